// The metrics hook feeding the real prom-client and the real OpenTelemetry SDK, wired exactly as
// the README shows, over real HTTP (metrics-app.ts): what each library exports after a known
// script of requests (hits, a miss, skipped writes, throttled touches, store errors, the breaker
// opening and closing).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metrics as otelApi } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CIRCUIT_STATE_VALUE, type SessionMetrics } from '../../src/core/metrics.js';
import { EXPECTED, runMetricsScript } from './metrics-app.js';

describe('metrics: prom-client', () => {
  it('a Registry fed by the hook exports store latency, events and the circuit state', async () => {
    const registry = new Registry();
    const storeSeconds = new Histogram({
      name: 'tessera_store_call_seconds',
      help: 'Session store call latency',
      labelNames: ['operation', 'outcome'] as const,
      buckets: [0.001, 0.005, 0.025, 0.1, 0.5, 2.5],
      registers: [registry],
    });
    const sessionEvents = new Counter({ name: 'tessera_session_events_total', help: 'Session events', labelNames: ['event'] as const, registers: [registry] });
    const circuit = new Gauge({ name: 'tessera_store_circuit_state', help: 'Store circuit breaker: 0 closed, 1 half-open, 2 open', registers: [registry] });
    const states: number[] = [];
    const metrics: SessionMetrics = {
      storeCall: (operation, ms, outcome) => storeSeconds.observe({ operation, outcome }, ms / 1000),
      count: (event) => sessionEvents.inc({ event }),
      circuit: (state) => {
        states.push(CIRCUIT_STATE_VALUE[state]);
        circuit.set(CIRCUIT_STATE_VALUE[state]);
      },
    };
    await runMetricsScript(metrics);

    const text = await registry.metrics();
    for (const [key, n] of Object.entries(EXPECTED.calls)) {
      const [operation, outcome] = key.split(':');
      assert.match(text, new RegExp(`^tessera_store_call_seconds_count\\{operation="${operation}",outcome="${outcome}"\\} ${n}$`, 'm'), `${key} x${n} in:\n${text}`);
      assert.match(text, new RegExp(`^tessera_store_call_seconds_bucket\\{le="\\+Inf",operation="${operation}",outcome="${outcome}"\\} ${n}$`, 'm'));
    }
    assert.equal(text.match(/^tessera_store_call_seconds_count\{/gm)?.length, Object.keys(EXPECTED.calls).length, 'no other operation:outcome pair');
    for (const [event, n] of Object.entries(EXPECTED.events)) {
      assert.match(text, new RegExp(`^tessera_session_events_total\\{event="${event}"\\} ${n}$`, 'm'), `${event} x${n} in:\n${text}`);
    }
    assert.equal(text.match(/^tessera_session_events_total\{/gm)?.length, Object.keys(EXPECTED.events).length, 'no other event');
    assert.match(text, new RegExp(`^tessera_store_circuit_state ${EXPECTED.circuitFinal}$`, 'm'));
    assert.deepEqual(states, [2, 1, 0], 'open, half-open, closed');
    // A latency is a real duration: the sum over every call is positive and below a minute.
    const sum = Number(/^tessera_store_call_seconds_sum\{operation="get",outcome="ok"\} (\S+)$/m.exec(text)?.[1]);
    assert.ok(sum > 0 && sum < 60, `get latency sum ${sum} s`);
  });
});

/** A reader the test collects from on demand (the SDK's pull path, as a Prometheus exporter uses it). */
class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

describe('metrics: OpenTelemetry', () => {
  it('a MeterProvider fed by the hook collects store latency, events and the circuit state', async () => {
    const reader = new CollectingReader();
    const provider = new MeterProvider({ readers: [reader] });
    // As an app would, through the API's global (the README's example does the same).
    assert.equal(otelApi.setGlobalMeterProvider(provider), true);
    try {
      const meter = otelApi.getMeter('tessera');
      const storeDuration = meter.createHistogram('tessera.store.duration', { unit: 's', description: 'Session store call latency' });
      const sessionEvents = meter.createCounter('tessera.session.events', { description: 'Session events' });
      const circuit = meter.createGauge('tessera.store.circuit', { description: 'Store circuit breaker: 0 closed, 1 half-open, 2 open' });
      const metrics: SessionMetrics = {
        storeCall: (operation, ms, outcome) => storeDuration.record(ms / 1000, { operation, outcome }),
        count: (event) => sessionEvents.add(1, { event }),
        circuit: (state) => circuit.record(CIRCUIT_STATE_VALUE[state]),
      };
      await runMetricsScript(metrics);

      const { resourceMetrics, errors } = await reader.collect();
      assert.deepEqual(errors, []);
      const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
      const find = (name: string): MetricData => {
        const found = all.find((m) => m.descriptor.name === name);
        assert.ok(found, `${name} collected (got ${all.map((m) => m.descriptor.name).join(', ')})`);
        return found;
      };
      const duration = find('tessera.store.duration');
      assert.equal(duration.dataPointType, DataPointType.HISTOGRAM);
      const counts = Object.fromEntries(
        duration.dataPoints.map((p) => [`${String(p.attributes['operation'])}:${String(p.attributes['outcome'])}`, (p.value as { count: number }).count]),
      );
      assert.deepEqual(counts, EXPECTED.calls);
      const events = find('tessera.session.events');
      assert.equal(events.dataPointType, DataPointType.SUM);
      assert.deepEqual(Object.fromEntries(events.dataPoints.map((p) => [String(p.attributes['event']), p.value])), EXPECTED.events);
      const gauge = find('tessera.store.circuit');
      assert.equal(gauge.dataPointType, DataPointType.GAUGE);
      assert.deepEqual(gauge.dataPoints.map((p) => p.value), [EXPECTED.circuitFinal]);
    } finally {
      otelApi.disable();
      await provider.shutdown();
    }
  });
});
