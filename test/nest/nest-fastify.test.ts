// NestJS 12 on its Fastify platform with tessera/fastify (the README's "NestJS" example):
// see nest-suite.ts for what is tested, and load-app.ts for why the app is loaded through tsx.
import { loadNestApp } from './load-app.js';
import { nestSessionSuite } from './nest-suite.js';

const { startNestFastify } = await loadNestApp<typeof import('./apps/fastify-app.js')>('fastify-app.ts');
nestSessionSuite('Fastify', startNestFastify);
