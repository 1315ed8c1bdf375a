// The default store is wired by the public entry, not the core: `SessionManager` from `tessera`
// still gets a MemoryStore when given no store, the core's own class asks for one, and no
// module of src/core imports a store or an adapter (stores and adapters build on the core).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SessionManager } from './index.js';
import { SessionManager as CoreSessionManager } from './core/manager.js';
import { MemoryStore } from './stores/memory/index.js';
import { TEST_SECRET as secret } from '../test/helpers/session-client.js';

describe('the default store', () => {
  it("SessionManager from 'tessera' defaults to a MemoryStore", () => {
    const manager = new SessionManager({ secret, warn: () => {} });
    assert.ok(manager.store instanceof MemoryStore);
    assert.ok(manager instanceof CoreSessionManager);
  });

  it('a store given is used as is', () => {
    const store = new MemoryStore({ sweepInterval: 0 });
    assert.equal(new SessionManager({ secret, store, warn: () => {} }).store, store);
  });

  it("the core's class has no default: it asks for a store, naming the fix", () => {
    assert.throws(() => new CoreSessionManager({ secret, warn: () => {} }), {
      name: 'TypeError',
      message: /store is required.*SessionManager from 'tessera'/,
    });
    assert.ok(new CoreSessionManager({ secret, store: new MemoryStore({ sweepInterval: 0 }), warn: () => {} }).store instanceof MemoryStore);
  });

  it('bad options are still TypeErrors naming them, in both classes', () => {
    assert.throws(() => new SessionManager({ secret: 'short' }), { name: 'TypeError', message: /secret/ });
    assert.throws(() => new CoreSessionManager({ secret: 'short' }), { name: 'TypeError', message: /secret/ });
  });

  it('no module of src/core imports a store or an adapter', () => {
    const dir = new URL('./core/', import.meta.url);
    const offenders = readdirSync(dir)
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
      .filter((name) => /from '\.\.\/(stores|adapters)\//.test(readFileSync(new URL(name, dir), 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
