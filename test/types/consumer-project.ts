/**
 * Consumer projects built from the packed tarball, offline: `npm pack` of the built package,
 * the tarball extracted into the project's `node_modules/tessera` (as npm would install it),
 * and every other dependency the project's package.json names symlinked from this repository's
 * node_modules (TypeScript follows the links to their real place, where their own dependencies
 * resolve). Nothing is fetched, and nothing outside the project's own `node_modules/@types`
 * is seen by TypeScript's automatic type inclusion.
 *
 * @module
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository's root. */
export const root = new URL('../..', import.meta.url).pathname;
const tsc = join(root, 'node_modules/typescript/bin/tsc');

/** Builds dist/ if it is missing (`npm test` builds first) and packs it; returns the tarball's path. */
export function packTessera(into: string): string {
  if (!existsSync(join(root, 'dist/esm/index.js')) || !existsSync(join(root, 'dist/cjs/index.js'))) {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  }
  // --ignore-scripts: dist/ is already built (prepack would build it again, ~10 s).
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', into], { cwd: root, encoding: 'utf8' });
  const name = out.trim().split('\n').at(-1) ?? '';
  const tarball = join(into, name);
  if (!existsSync(tarball)) throw new Error(`npm pack wrote no ${tarball}: ${out}`);
  return tarball;
}

/** Lists the files in a tarball (paths without the leading `package/`). */
export function tarballFiles(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
}

/**
 * Makes a consumer project in a fresh temp dir: the files of `fixture` (a folder, or a map of
 * file name to content), the tarball in `node_modules/tessera`, and the other dependencies of
 * its package.json linked from the repository. Returns the project's dir.
 */
export function makeConsumer(fixture: string | Record<string, string>, tarball: string, parent: string): string {
  const dir = mkdtempSync(join(parent, 'consumer-'));
  if (typeof fixture === 'string') cpSync(fixture, dir, { recursive: true });
  else for (const [name, text] of Object.entries(fixture)) writeText(join(dir, name), text);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const tessera = join(dir, 'node_modules/tessera');
  mkdirSync(tessera, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', tessera, '--strip-components=1']);
  const wanted = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
  // What tessera itself depends on at run time, as npm would install it next to it.
  const own = JSON.parse(readFileSync(join(tessera, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const name of Object.keys(own.dependencies ?? {})) wanted.add(name);
  wanted.delete('tessera');
  for (const name of wanted) {
    const from = join(root, 'node_modules', name);
    if (!existsSync(from)) throw new Error(`${name} is not installed in the repository (needed by a consumer project)`);
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(from, join(dir, 'node_modules', name), 'dir');
  }
  return dir;
}

function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** The outcome of one `tsc` run. */
export interface TscResult {
  code: number;
  output: string;
}

/** Runs the repository's TypeScript (`tsc -p <dir>`) on a consumer project. */
export function runTsc(dir: string, extraArgs: string[] = []): Promise<TscResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, '-p', dir, '--pretty', 'false', ...extraArgs], { cwd: dir, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Runs `jobs` with at most `limit` at a time (the CI machines have two cores). */
export async function limited<T>(limit: number, jobs: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await (jobs[i] as () => Promise<T>)();
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

/** The fixture folders under test/types/consumers/. */
export function fixtureNames(): string[] {
  return readdirSync(join(root, 'test/types/consumers')).sort();
}
