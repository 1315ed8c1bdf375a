/**
 * Every adapter in the matrix, one line each. Adding a framework: write its app in this folder
 * (the routes of `../matrix-app.ts`) and add its line here. `TESSERA_MATRIX=fastify,koa` runs
 * only the named ones (see `selectedAdapters`).
 *
 * @module
 */
import type { MatrixAdapter } from '../matrix-app.js';
import { expressSessionAdapter } from './express-session.js';
import { expressAdapter } from './express.js';
import { koaApp } from './koa.js';
import { fastifyAdapter } from './fastify.js';
import { honoApp } from './hono.js';
import { nodeAdapter } from './node.js';
import { webApp } from './web.js';

export const adapters: MatrixAdapter[] = [
  expressAdapter,
  expressSessionAdapter,
  fastifyAdapter,
  nodeAdapter,
  koaApp,
  honoApp,
  webApp,
];

/**
 * The adapters to run: all of them, or those named in `TESSERA_MATRIX` (comma-separated). An
 * unknown name throws, so a typo never turns into a green run of nothing.
 */
export function selectedAdapters(filter = process.env.TESSERA_MATRIX): MatrixAdapter[] {
  if (filter === undefined || filter.trim() === '') return adapters;
  const names = filter.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const unknown = names.filter((n) => !adapters.some((a) => a.name === n));
  if (unknown.length > 0) throw new Error(`TESSERA_MATRIX names unknown adapters: ${unknown.join(', ')} (known: ${adapters.map((a) => a.name).join(', ')})`);
  return adapters.filter((a) => names.includes(a.name));
}
