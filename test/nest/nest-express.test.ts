// NestJS 12 on its Express platform with tessera/express (the README's "NestJS" example):
// see nest-suite.ts for what is tested, and load-app.ts for why the app is loaded through tsx.
import { loadNestApp } from './load-app.js';
import { nestSessionSuite } from './nest-suite.js';

const { startNestExpress } = await loadNestApp<typeof import('./apps/express-app.js')>('express-app.ts');
nestSessionSuite('Express', startNestExpress);
