// What `npm pack` publishes: a LICENSE, source maps whose every source resolves (embedded as
// sourcesContent, so stack traces in users' apps show real code), no install-time script, and
// a typesVersions fallback (node10 resolution) for every subpath of the exports map.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packTessera, root, tarballFiles } from './types/consumer-project.js';

let dir: string;
let files: string[];
let unpacked: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-tarball-'));
  const tarball = packTessera(dir);
  files = tarballFiles(tarball);
  unpacked = join(dir, 'package');
  mkdirSync(unpacked);
  execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Pkg {
  license: string;
  scripts: Record<string, string>;
  exports: Record<string, unknown>;
  typesVersions?: Record<string, Record<string, string[]>>;
  types: string;
}
const pkgOf = (): Pkg => JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as Pkg;

describe('the packed package', () => {
  it('ships an MIT LICENSE that names the authors', () => {
    assert.ok(files.includes('LICENSE'), 'LICENSE is not in the tarball');
    const text = readFileSync(join(unpacked, 'LICENSE'), 'utf8');
    assert.equal(pkgOf().license, 'MIT');
    assert.match(text, /^MIT License/);
    assert.match(text, /Copyright \(c\) 2026 the Tessera authors/);
  });

  it('every .js.map resolves all of its sources (embedded or shipped)', () => {
    const maps = files.filter((f) => f.endsWith('.js.map'));
    assert.ok(maps.length > 20, `only ${maps.length} source maps`);
    const unresolved: string[] = [];
    for (const file of maps) {
      const map = JSON.parse(readFileSync(join(unpacked, file), 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
      assert.ok(map.sources.length > 0, `${file} has no sources`);
      map.sources.forEach((source, i) => {
        const embedded = typeof map.sourcesContent?.[i] === 'string' && (map.sourcesContent[i] as string).length > 0;
        const shipped = files.includes(normalize(join(dirname(file), source)));
        if (!embedded && !shipped) unresolved.push(`${file} -> ${source}`);
      });
    }
    assert.deepEqual(unresolved, []);
  });

  it('needs no install-time script, and builds on prepack', () => {
    const { scripts } = pkgOf();
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
      assert.equal(scripts[hook], undefined, `package.json has a "${hook}" script, which runs when the package is installed`);
    }
    assert.match(scripts.prepack ?? '', /scripts\/build\.mjs/);
    assert.match(scripts.test ?? '', /scripts\/build\.mjs/, 'npm test builds first (a fresh clone has no dist/)');
  });

  it('has a typesVersions entry for every exports subpath, pointing at the CommonJS declarations', () => {
    const pkg = pkgOf();
    const mapped = pkg.typesVersions?.['*'] ?? {};
    assert.equal(pkg.types, './dist/cjs/index.d.ts', 'node10 resolution reads "types" for the root');
    for (const [subpath, entry] of Object.entries(pkg.exports)) {
      if (subpath === '.' || typeof entry !== 'object' || entry === null) continue;
      const { require } = entry as { require: { types: string } };
      assert.deepEqual(mapped[subpath.slice(2)], [require.types], `typesVersions lacks ${subpath}`);
      assert.ok(files.includes(require.types.slice(2)), `${require.types} is not in the tarball`);
    }
    assert.deepEqual(Object.keys(mapped).sort(), Object.keys(pkg.exports).filter((s) => s !== '.' && s !== './package.json').map((s) => s.slice(2)).sort());
  });

  it("the drop-in's CommonJS declarations are `export =` (callable when required)", () => {
    const types = readFileSync(join(unpacked, 'dist/cjs/adapters/express-session/index.d.ts'), 'utf8');
    assert.match(types, /^export = session;$/m);
  });
});

// The repository's own package.json is the one packed: check it here too, for a clear message.
it('the repository package.json is what was packed', () => {
  const repo = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Pkg;
  assert.deepEqual(repo.scripts, pkgOf().scripts);
});
