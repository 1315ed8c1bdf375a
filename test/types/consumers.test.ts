// TypeScript consumers of the packed tarball: a strict project (no skipLibCheck) for each common
// module setting compiles with the real tsc, and the `@ts-expect-error` lines in each fixture
// prove `req.session` is typed there (an unused one fails the compile). Fixtures are in
// test/types/consumers/<name>/; see consumer-project.ts for how they are installed offline.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixtureNames, limited, makeConsumer, packTessera, root, runTsc, type TscResult } from './consumer-project.js';

const NEGATIVE = 'esm-node16 with a wrongly typed line';
let parent: string;
const results = new Map<string, TscResult>();

before(async () => {
  parent = mkdtempSync(join(tmpdir(), 'tessera-consumers-'));
  const tarball = packTessera(parent);
  const projects = new Map<string, string>();
  for (const name of fixtureNames()) projects.set(name, makeConsumer(join(root, 'test/types/consumers', name), tarball, parent));
  // The control: the same project with one line that must not compile.
  const negative = makeConsumer(join(root, 'test/types/consumers/esm-node16'), tarball, parent);
  writeFileSync(
    join(negative, 'wrong.ts'),
    `import express from 'express';\nconst app = express();\napp.get('/', (req, res) => { req.session.visits = 'many'; res.end(); });\n`,
  );
  projects.set(NEGATIVE, negative);
  const names = [...projects.keys()];
  const outcomes = await limited(2, names.map((name) => () => runTsc(projects.get(name) as string)));
  names.forEach((name, i) => results.set(name, outcomes[i] as TscResult));
});

after(() => rmSync(parent, { recursive: true, force: true }));

describe('strict TypeScript projects compile against the packed package (no skipLibCheck)', () => {
  const names = fixtureNames();
  it('has the fixtures for every module setting', () => {
    for (const name of ['esm-node16', 'bundler', 'bundler-preserve', 'cjs-node16', 'cjs-node10', 'with-types-express-session', 'koa', 'koa-cjs-node10', 'hono-web', 'hono-web-cjs-node10', 'fastify-esm-node16', 'fastify-cjs-node10']) {
      assert.ok(names.includes(name), `test/types/consumers/${name} is missing`);
    }
  });
  for (const name of names) {
    it(`${name}: tsc exits 0`, () => {
      const result = results.get(name);
      assert.ok(result, `${name} was not compiled`);
      assert.equal(result.code, 0, `tsc failed for ${name}:\n${result.output}`);
    });
  }
  it('control: a string assigned to a number field of SessionData fails to compile', () => {
    const result = results.get(NEGATIVE);
    assert.ok(result);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /wrong\.ts\(3,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
  });
});
