// `tessera/redis` must load without `redis` or `ioredis` installed: it recognises the client it
// is given and imports neither. A child process whose module resolution refuses both proves it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = mkdtempSync(join(tmpdir(), 'tessera-no-driver-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// A resolve hook that fails any import of a Redis driver, registered before the code under test.
writeFileSync(
  join(dir, 'hooks.mjs'),
  `export async function resolve(specifier, context, next) {
  if (/^(redis|ioredis|@redis\\/[^/]+)(\\/|$)/.test(specifier)) throw new Error('a Redis driver was imported: ' + specifier);
  return next(specifier, context);
}\n`,
);
writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);

function importInChild(specifier: string): { status: number | null; stderr: string } {
  const code = `await import(${JSON.stringify(specifier)}); console.log('loaded');`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--import', join(dir, 'register.mjs'), '--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe('tessera/redis without a driver', () => {
  it('loads and constructs nothing from redis or ioredis', () => {
    const entry = pathToFileURL(fileURLToPath(new URL('./index.ts', import.meta.url))).href;
    const { status, stderr } = importInChild(entry);
    assert.equal(status, 0, stderr);
  });

  it('would notice a driver import (the check itself works)', () => {
    const { status, stderr } = importInChild('ioredis');
    assert.notEqual(status, 0);
    assert.match(stderr, /a Redis driver was imported: ioredis/);
  });
});
