import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GenerationalMap } from './generational-map.js';

describe('GenerationalMap', () => {
  it('keeps at most `capacity` keys, and a key used all along survives any churn', () => {
    const map = new GenerationalMap<string, number>(10);
    map.set('hot', 0);
    for (let i = 0; i < 1000; i++) {
      map.set(`k${i}`, i);
      assert.equal(map.get('hot'), 0, `after ${i + 1} other keys`);
      assert.equal(map.get(`k${i}`), i);
      assert.ok(map.size <= 10, `size ${map.size}`);
    }
    assert.equal(map.get('k0'), undefined, 'an old key unused since was dropped');
  });

  it('replaces a value in place without dropping a generation', () => {
    const map = new GenerationalMap<string, number>(4);
    map.set('a', 1);
    map.set('b', 2);
    for (let i = 0; i < 100; i++) map.set('b', i);
    assert.equal(map.get('a'), 1);
    assert.equal(map.get('b'), 99);
  });

  it('keeps nothing with capacity 0 or 1, and forgets everything on clear', () => {
    for (const capacity of [0, 1]) {
      const map = new GenerationalMap<string, number>(capacity);
      map.set('a', 1);
      assert.equal(map.get('a'), undefined);
      assert.equal(map.size, 0);
    }
    const map = new GenerationalMap<string, number>(8);
    map.set('a', 1);
    map.clear();
    assert.equal(map.get('a'), undefined);
  });
});
