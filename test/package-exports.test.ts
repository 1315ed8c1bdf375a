// The published package: every public folder has an exports entry, every entry loads from
// ESM and CommonJS, and importing `tessera` (or an adapter) loads no framework and no database
// driver. Runs against the build in dist/ (`npm test` builds first; built here if missing), in
// fresh child processes that record every module they load: a CommonJS preload wraps
// Module._load, and an ESM loader hook (module.register) logs every resolved URL.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, string | { import: { types: string; default: string }; require: { types: string; default: string } }>;
};
type Entry = { import: { types: string; default: string }; require: { types: string; default: string } };
const entries = Object.entries(pkg.exports).filter((e): e is [string, Entry] => typeof e[1] === 'object');

/** Frameworks and drivers that must stay optional: none may load with the core. */
const HEAVY = ['express', 'express4', 'express-session', 'koa', 'fastify', 'fastify-plugin', '@fastify/session', '@fastify/cookie', 'hono', '@hono/node-server', 'better-sqlite3', 'pg', 'redis', 'ioredis', '@redis/client'];
const heavyPattern = new RegExp(`/node_modules/(${HEAVY.map((h) => h.replace('/', '\\/')).join('|')})/`);

let dir: string;
let preload: string;
let register: string;

before(() => {
  if (!existsSync(join(root, 'dist/esm/index.js')) || !existsSync(join(root, 'dist/cjs/index.js'))) {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  }
  dir = mkdtempSync(join(tmpdir(), 'tessera-exports-'));
  preload = join(dir, 'record-cjs.cjs');
  writeFileSync(
    preload,
    `const Module = require('node:module');
const { appendFileSync } = require('node:fs');
const load = Module._load;
Module._load = function (request, parent, isMain) {
  let id = request;
  try { id = Module._resolveFilename(request, parent, isMain); } catch {}
  appendFileSync(process.env.TESSERA_LOAD_LOG, 'cjs ' + id + '\\n');
  return load.apply(this, arguments);
};
`,
  );
  const hooks = join(dir, 'record-esm-hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, 'esm ' + result.url + '\\n');
  return result;
}
`,
  );
  register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { log: process.env.TESSERA_LOAD_LOG } });
`,
  );
});

after(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;
/** Runs `code` in a fresh node (ESM or CommonJS) inside the package; returns stdout and every module it loaded. */
function run(code: string, type: 'module' | 'commonjs'): { stdout: string; loaded: string[] } {
  const log = join(dir, `load-${++runs}.log`);
  appendFileSync(log, '');
  const env: NodeJS.ProcessEnv = { ...process.env, TESSERA_LOAD_LOG: log, NODE_OPTIONS: '' };
  delete env.NODE_TEST_CONTEXT;
  const stdout = execFileSync(process.execPath, ['--require', preload, '--import', pathToFileURL(register).href, `--input-type=${type}`, '-e', code], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  return { stdout, loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

function assertLight(loaded: string[], what: string, allowed: readonly string[] = []): void {
  const own = (line: string): boolean => allowed.some((a) => line.includes(`/node_modules/${a}/`) || line === `cjs ${a}`);
  const heavy = loaded.filter((line) => (heavyPattern.test(line) || HEAVY.some((h) => line === `cjs ${h}`)) && !own(line));
  assert.deepEqual(heavy, [], `${what} loaded a framework or driver`);
}

/** The Node built-in modules in a load log (`node:crypto`, `events`, ...), by their bare name. */
function builtins(loaded: string[]): Set<string> {
  const names = loaded.map((line) => line.replace(/^(cjs|esm) /, '')).filter((id) => isBuiltin(id));
  return new Set(names.map((id) => id.replace(/^node:/, '')));
}

describe('importing tessera loads no framework and no driver', () => {
  it('ESM: import("tessera")', () => {
    const { loaded } = run(`await import('tessera');`, 'module');
    // Control: the recorder sees the package and its one runtime dependency.
    assert.ok(loaded.some((l) => l.endsWith('/dist/esm/index.js')), 'the recorder saw tessera itself');
    assert.ok(loaded.some((l) => l.includes('/node_modules/cookie/')), 'the recorder saw the cookie dependency');
    assertLight(loaded, 'import("tessera")');
  });

  it('CommonJS: require("tessera")', () => {
    const { loaded } = run(`require('tessera');`, 'commonjs');
    assert.ok(loaded.some((l) => l.endsWith('/dist/cjs/index.js')));
    assert.ok(loaded.some((l) => l.includes('/node_modules/cookie/')));
    assertLight(loaded, 'require("tessera")');
  });

  it('the Express adapter and the memory store load no framework or driver either', () => {
    assertLight(run(`await import('tessera/express'); await import('tessera/memory');`, 'module').loaded, 'tessera/express + tessera/memory (ESM)');
    assertLight(run(`require('tessera/express'); require('tessera/memory');`, 'commonjs').loaded, 'tessera/express + tessera/memory (CJS)');
  });

  it('the Fastify adapter loads fastify-plugin (its one dependency) and no other framework', () => {
    for (const [code, type] of [[`await import('tessera/fastify');`, 'module'], [`require('tessera/fastify');`, 'commonjs']] as const) {
      const { loaded } = run(code, type);
      assert.ok(loaded.some((l) => l.includes('/node_modules/fastify-plugin/')), `${type}: the recorder saw fastify-plugin`);
      assertLight(loaded, `tessera/fastify (${type})`, ['fastify-plugin']);
    }
  });

  it('tessera/web (with tessera and its memory store) loads no framework, no driver and no Node built-in but crypto and events', () => {
    // Fetch API runtimes (Bun, Deno, workerd's nodejs_compat, Next.js) offer node:crypto and
    // node:events, not node:http or node:net. The control: what an empty program loads itself.
    for (const type of ['module', 'commonjs'] as const) {
      const code =
        type === 'module'
          ? `await import('tessera'); await import('tessera/web'); await import('tessera/memory');`
          : `require('tessera'); require('tessera/web'); require('tessera/memory');`;
      const { loaded } = run(code, type);
      assert.ok(loaded.some((l) => l.includes('/adapters/web/index.js')), `the recorder saw tessera/web (${type})`);
      assertLight(loaded, `tessera/web (${type})`);
      const baseline = builtins(run('', type).loaded);
      const extra = [...builtins(loaded)].filter((name) => !baseline.has(name)).sort();
      assert.ok(extra.includes('crypto'), `the recorder saw node:crypto (${type})`);
      assert.deepEqual(extra, ['crypto', 'events'], `tessera/web loaded Node built-ins (${type})`);
    }
  });

  it('tessera/hono loads Hono and no other framework or driver', () => {
    for (const [code, type] of [[`await import('tessera/hono');`, 'module'], [`require('tessera/hono');`, 'commonjs']] as const) {
      const { loaded } = run(code, type);
      assert.ok(loaded.some((l) => l.includes('/node_modules/hono/')), `the recorder saw hono (${type})`);
      assertLight(loaded, `tessera/hono (${type})`, ['hono']);
      assert.ok(!builtins(loaded).has('http'), `tessera/hono loaded node:http (${type})`);
    }
  });

  it('tessera/node loads no framework or driver', () => {
    assertLight(run(`await import('tessera/node');`, 'module').loaded, 'tessera/node (ESM)');
    assertLight(run(`require('tessera/node');`, 'commonjs').loaded, 'tessera/node (CJS)');
  });

  it('tessera/koa loads no framework either (it uses only Koa\'s types)', () => {
    assertLight(run(`await import('tessera/koa');`, 'module').loaded, 'tessera/koa (ESM)');
    assertLight(run(`require('tessera/koa');`, 'commonjs').loaded, 'tessera/koa (CJS)');
  });

  it('the recorder does catch a driver when one is loaded', () => {
    const { loaded } = run(`require('pg');`, 'commonjs');
    assert.throws(() => assertLight(loaded, 'pg'), /loaded a framework or driver/);
  });
});

describe('CommonJS entry points', () => {
  it("require('tessera'), require('tessera/express'), require('tessera/memory') work", () => {
    const { stdout } = run(
      `const t = require('tessera'); const e = require('tessera/express'); const m = require('tessera/memory');
const manager = new t.SessionManager({ secret: 'x'.repeat(32), store: new m.MemoryStore({ sweepInterval: 0 }) });
console.log(JSON.stringify({ manager: typeof t.SessionManager, session: typeof e.session(manager), store: typeof m.MemoryStore, isErr: t.isTesseraError(new t.StoreError('get', 'x')) }));`,
      'commonjs',
    );
    assert.deepEqual(JSON.parse(stdout), { manager: 'function', session: 'function', store: 'function', isErr: true });
  });
});

describe('the exports map', () => {
  const srcOf = (subpath: string): string | undefined => {
    const name = subpath.slice(2);
    for (const candidate of [`src/adapters/${name}`, `src/stores/${name}`, `src/${name}`]) {
      if (existsSync(join(root, candidate, 'index.ts'))) return candidate;
    }
    return undefined;
  };

  it('has an entry for every public folder (adapters, stores, testing) with import, require and types', () => {
    const folders = [
      ...readdirSync(join(root, 'src/adapters')).map((f) => `adapters/${f}`),
      ...readdirSync(join(root, 'src/stores')).map((f) => `stores/${f}`),
      'testing',
    ].filter((f) => existsSync(join(root, 'src', f, 'index.ts'))); // a folder without index.ts is internal
    assert.ok(folders.length >= 3);
    for (const folder of folders) {
      const subpath = `./${folder.split('/').at(-1) ?? ''}`;
      const entry = pkg.exports[subpath];
      assert.ok(entry && typeof entry === 'object', `exports has no "${subpath}" for src/${folder}`);
      assert.deepEqual(entry, {
        import: { types: `./dist/esm/${folder}/index.d.ts`, default: `./dist/esm/${folder}/index.js` },
        require: { types: `./dist/cjs/${folder}/index.d.ts`, default: `./dist/cjs/${folder}/index.js` },
      });
    }
  });

  it('points every entry with sources at built files (ESM, CommonJS and types)', () => {
    for (const [subpath, entry] of entries) {
      if (srcOf(subpath) === undefined && subpath !== '.') continue; // not written yet
      for (const file of [entry.import.default, entry.import.types, entry.require.default, entry.require.types]) {
        assert.ok(existsSync(join(root, file)), `${subpath}: ${file} was not built`);
      }
    }
  });

  it('loads every built entry from ESM and from CommonJS, each with exports', () => {
    const built = entries.filter(([, entry]) => existsSync(join(root, entry.import.default)) && existsSync(join(root, entry.require.default)));
    assert.ok(built.length >= 3);
    const specifiers = built.map(([subpath]) => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`));
    const esm = run(
      `const out = {}; for (const s of ${JSON.stringify(specifiers)}) out[s] = Object.keys(await import(s)).length; console.log(JSON.stringify(out));`,
      'module',
    );
    const cjs = run(
      `const out = {}; for (const s of ${JSON.stringify(specifiers)}) { const m = require(s); out[s] = Object.keys(m).length + (typeof m === 'function' ? 1 : 0); } console.log(JSON.stringify(out));`,
      'commonjs',
    );
    for (const [kind, { stdout }] of [['ESM', esm], ['CommonJS', cjs]] as const) {
      const counts = JSON.parse(stdout) as Record<string, number>;
      for (const s of specifiers) assert.ok((counts[s] ?? 0) > 0, `${kind}: ${s} has no exports`);
    }
  });
});
