/**
 * Compiles Tessera for the benchmark into bench/.tmp/dist with the TypeScript compiler, so the
 * contenders run the JavaScript users get, not the sources through tsx (whose keep-names helper
 * adds an `Object.defineProperty` to every function expression created per request). A private
 * folder, because `npm run build` empties dist/ and other work may build at the same time.
 * `BENCH_TESSERA=src` skips the build and loads the TypeScript sources instead.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './config.js';

/** Where the compiled Tessera lives, relative to the repository root. */
export const TESSERA_DIST = 'bench/.tmp/dist';

/** True when the contenders load the TypeScript sources (`BENCH_TESSERA=src`). */
export function useSources(): boolean {
  return process.env.BENCH_TESSERA === 'src';
}

/** Builds bench/.tmp/dist (ESM, no declarations or source maps). Returns tsc's complaints, if any. */
export function buildTessera(): string | undefined {
  if (useSources()) return undefined;
  const out = join(ROOT, TESSERA_DIST);
  rmSync(out, { recursive: true, force: true });
  const tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  const args = [tsc, '-p', 'tsconfig.json', '--outDir', out, '--declaration', 'false', '--sourceMap', 'false', '--inlineSources', 'false'];
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  // tsc still emits when the sources have type errors; the benchmark runs, and says so.
  return result.status === 0 ? undefined : `${result.stdout}${result.stderr}`.trim().slice(0, 2000);
}
