// tessera/koa from CommonJS with node10 resolution (no exports map: typesVersions).
import Koa = require('koa');
import { SessionManager } from 'tessera';
import { session } from 'tessera/koa';

const app = new Koa();
app.use(session(new SessionManager({ secret: 'b'.repeat(32) })));
app.use((ctx) => {
  // @ts-expect-error the session is typed (no such method)
  ctx.session.noSuchMethod();
  ctx.session = null;
  ctx.body = ctx.session.id;
});

export = app;
