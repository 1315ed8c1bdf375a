/**
 * Micro-benchmark of the per-request cost of the key and encryption defaults:
 * `node --import tsx bench/keys-micro.ts`. Prints µs per call of the store-key hash (one per
 * request on the read path), of opening a sealed record (one per read with encryption) and of
 * sealing one (one per write), for a typical ~200-byte record; then the engine's whole read path
 * with the defaults on and off, side by side (a ratio).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { generateSessionId } from '../src/core/id.js';
import { hashStoreKey } from '../src/core/keys.js';
import { createKeyring } from '../src/core/keyring.js';
import { openEnvelope, sealEnvelope } from '../src/core/envelope.js';

function perCall(name: string, n: number, run: (i: number) => unknown): void {
  for (let i = 0; i < n / 10; i++) run(i); // warm-up
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) run(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1000 / n);
  }
  samples.sort((a, b) => a - b);
  console.log(`${name.padEnd(40)} median ${samples[2]?.toFixed(2)} µs/call (min ${samples[0]?.toFixed(2)}, max ${samples[4]?.toFixed(2)})`);
}

const ids = Array.from({ length: 1024 }, generateSessionId);
const keyring = createKeyring({ keys: [{ id: 'k1', key: randomBytes(32) }] });
const record = JSON.stringify({ cookie: { originalMaxAge: 86_400_000, expires: new Date().toISOString(), httpOnly: true, path: '/' }, userId: 'user-1234', cart: ['a', 'b'], __tessera: { v: 1, createdAt: Date.now() } });
const sealed = ids.map((id) => sealEnvelope(record, hashStoreKey(id), keyring));
const keys = ids.map(hashStoreKey);

perCall('hashStoreKey (SHA-256, base64url)', 200_000, (i) => hashStoreKey(ids[i & 1023] as string));
perCall(`openEnvelope (${record.length}-byte record)`, 50_000, (i) => openEnvelope(sealed[i & 1023] as string, keys[i & 1023] as string, keyring));
perCall(`sealEnvelope (${record.length}-byte record)`, 50_000, (i) => sealEnvelope(record, keys[i & 1023] as string, keyring));

// The whole read path in the engine (verify the cookie, hash the key, get, open, decode, commit
// with nothing to write), with the security defaults on and off, side by side: the order flips
// every round and the ratio is the median of the per-round ratios. No HTTP, no Express: this is
// the most the defaults can cost, undiluted by the rest of a request.
const { readPath } = await import('./engine-read-path.js');

const secure = await readPath({ hashStoreKeys: true, encryption: { keys: [{ id: 'k1', key: randomBytes(32) }] } });
const plain = await readPath({ hashStoreKeys: false });
await secure(20_000);
await plain(20_000);
const ratios: number[] = [];
for (let round = 0; round < 7; round++) {
  const [first, second] = round % 2 === 0 ? [plain, secure] : [secure, plain];
  const a = await first(20_000);
  const b = await second(20_000);
  const [p, s] = round % 2 === 0 ? [a, b] : [b, a];
  ratios.push(p / s);
  console.log(`round ${round + 1}: plain ${p.toFixed(2)} µs, secure ${s.toFixed(2)} µs per read`);
}
ratios.sort((x, y) => x - y);
console.log(`engine read path, secure / plain throughput: median ${ratios[3]?.toFixed(2)} (min ${ratios[0]?.toFixed(2)}, max ${ratios[6]?.toFixed(2)}, 7 rounds)`);
