// The README's code runs as written, copied into a fresh app: every ```ts block compiles in a
// strict consumer project (no skipLibCheck) against the packed tarball, and the native API
// example, compiled and started, listens and answers `GET /`. So the README cannot drift.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { limited, makeConsumer, packTessera, root, runTsc, type TscResult } from './types/consumer-project.js';

/** The README's code blocks of one language, in order. */
export function codeBlocks(markdown: string, lang: string): string[] {
  const blocks: string[] = [];
  const fence = new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm');
  for (const match of markdown.matchAll(fence)) blocks.push(match[1] ?? '');
  return blocks;
}

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = codeBlocks(readme, 'ts');
// Decorators as a Nest project compiles them (its CLI's tsconfig): the NestJS examples need them,
// and they change nothing for the blocks that have none.
const TSCONFIG = JSON.stringify({
  compilerOptions: {
    target: 'ES2022',
    module: 'node16',
    moduleResolution: 'node16',
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    outDir: 'build',
    rootDir: '.',
    // @types/koa expects content-disposition without types of its own, as in a Koa-only install;
    // Express 5's content-disposition 2 (hoisted here) has different ones (see the README's Koa notes).
    paths: { 'content-disposition': ['./node_modules/@types/content-disposition/index.d.ts'] },
  },
  include: ['*.ts'],
});
// redis ships its own types; the outage example (a RedisStore under the native API) compiles here.
// The NestJS examples: Nest on both platforms, with the peers a Nest app installs.
const nestDeps = { '@nestjs/common': '*', '@nestjs/core': '*', '@nestjs/platform-express': '*', '@nestjs/platform-fastify': '*', 'reflect-metadata': '*', rxjs: '*' };
// hono and @hono/node-server: the Hono example; prom-client and the OpenTelemetry API (both ship
// their own types): the metrics examples.
const appDeps = { tessera: '*', express: '*', fastify: '*', 'better-sqlite3': '*', redis: '*', koa: '*', hono: '*', '@hono/node-server': '*', 'prom-client': '*', '@opentelemetry/api': '*', ...nestDeps };
const typeDeps = { '@types/express': '*', '@types/node': '*', '@types/better-sqlite3': '*', '@types/koa': '*', '@types/content-disposition': '*' };
// The store examples need their drivers, and tessera/connect and connect-redis use
// @types/express-session, which then types req.session: they get a project of their own.
const storeDeps = { redis: '*', pg: '*', 'connect-redis': '*', 'express-session': '*' };
const storeTypeDeps = { '@types/pg': '*', '@types/express-session': '*' };

const usesBridge = (code: string): boolean => code.includes("'tessera/connect'") || code.includes("'connect-redis'");
const nativeIndex = blocks.findIndex((b) => b.includes("from 'tessera/express'") && b.includes('app.listen'));
const koaIndex = blocks.findIndex((b) => b.includes("from 'tessera/koa'") && b.includes('app.listen'));

let parent: string;
let appDir: string;
const compiled = new Map<string, TscResult>();

function project(files: Record<string, string>, deps: object, devDeps: object, tarball: string): string {
  const pkg = { name: 'readme-app', private: true, type: 'module', dependencies: deps, devDependencies: devDeps };
  return makeConsumer({ ...files, 'package.json': JSON.stringify(pkg), 'tsconfig.json': TSCONFIG }, tarball, parent);
}

before(async () => {
  parent = mkdtempSync(join(tmpdir(), 'tessera-readme-'));
  const tarball = packTessera(parent);
  const app: Record<string, string> = {};
  const stores: Record<string, string> = {};
  blocks.forEach((code, i) => ((usesBridge(code) ? stores : app)[`example-${i}.ts`] = code));
  appDir = project(app, appDeps, typeDeps, tarball);
  const storesDir = project(stores, { ...appDeps, ...storeDeps }, { ...typeDeps, ...storeTypeDeps }, tarball);
  const [a, s] = await limited(2, [() => runTsc(appDir), () => runTsc(storesDir, ['--noEmit'])]);
  compiled.set('app', a as TscResult);
  compiled.set('stores', s as TscResult);
});

after(() => rmSync(parent, { recursive: true, force: true }));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Runs the compiled example of block `index` on a free port and answers its `GET /`. */
async function startExample(index: number, t: { after(fn: () => void): void }): Promise<Response> {
  assert.equal(compiled.get('app')?.code, 0, 'the examples did not compile');
  const port = await freePort();
  const child = spawn(process.execPath, [join(appDir, 'build', `example-${index}.js`)], {
    cwd: appDir,
    env: { ...process.env, PORT: String(port), SESSION_SECRET: 'readme-example-secret-'.padEnd(40, 'x'), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill());
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the example exited (${code}):\n${output}`))));
  const listening = new Promise<void>((resolve) => {
    const check = (): void => {
      if (output.includes(`http://localhost:${port}`)) resolve();
    };
    child.stdout.on('data', check);
  });
  await Promise.race([listening, exited]);
  return fetch(`http://127.0.0.1:${port}/`);
}

describe("the README's examples", () => {
  it('has TypeScript examples, the native API one among them', () => {
    assert.ok(blocks.length >= 3, `found ${blocks.length} ts blocks`);
    assert.ok(nativeIndex >= 0, 'no ts block uses tessera/express and listens');
    assert.ok(blocks.some(usesBridge), 'the store examples are found');
  });

  it('has the NestJS examples, one per platform', () => {
    assert.ok(blocks.some((b) => b.includes("from '@nestjs/platform-express'") && b.includes('app.use(session(manager))')));
    assert.ok(blocks.some((b) => b.includes("from '@nestjs/platform-fastify'") && b.includes('app.register(tesseraSession, { manager })')));
  });

  it('the PostgreSQL example handles pool errors', () => {
    const pgBlock = blocks.find((b) => b.includes('new pg.Pool'));
    assert.ok(pgBlock);
    assert.match(pgBlock, /\.on\('error'/);
  });

  it('the store table names the @types packages a TypeScript user needs', () => {
    for (const name of ['@types/better-sqlite3', '@types/pg', '@types/express-session']) assert.ok(readme.includes(name), `README does not name ${name}`);
  });

  it('every TypeScript example compiles in a strict project (node16, no skipLibCheck)', () => {
    for (const [name, result] of compiled) assert.equal(result.code, 0, `the ${name} examples do not compile:\n${result.output}`);
  });

  it('the native API example starts and answers GET /', async (t) => {
    const response = await startExample(nativeIndex, t);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'Not signed in');
    assert.match(response.headers.get('vary') ?? '', /Cookie/);
  });

  it('the Koa example starts and answers GET /', async (t) => {
    assert.ok(koaIndex >= 0, 'no ts block uses tessera/koa and listens');
    const response = await startExample(koaIndex, t);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'Not signed in, visit 1');
    assert.match(response.headers.get('vary') ?? '', /Cookie/);
    assert.match(response.headers.get('set-cookie') ?? '', /^sid=s%3A/);
  });
});
