// tessera/koa in a strict ESM project: ctx.session typed through Koa's DefaultContext, for
// app.use handlers, handlers typed with Koa.Context, and an app with its own state and context.
import Koa from 'koa';
import { SessionManager } from 'tessera';
import { session, type KoaSession } from 'tessera/koa';

declare module 'tessera' {
  interface SessionData {
    visits: number;
  }
}

const manager = new SessionManager({ secret: 'b'.repeat(32) });
const app = new Koa();
app.use(session(manager));
app.use(async (ctx, next) => {
  ctx.session.visits = (ctx.session.visits ?? 0) + 1;
  // @ts-expect-error visits is a number (SessionData augmented above)
  ctx.session.visits = 'many';
  if (ctx.path === '/login') await ctx.session.login('u1');
  if (ctx.path === '/logout') ctx.session = null;
  // @ts-expect-error only null destroys; data is set on ctx.session's properties
  ctx.session = { visits: 1 };
  const current: KoaSession = ctx.session;
  ctx.body = current.id;
  await next();
});

export const handler = (ctx: Koa.Context): void => {
  ctx.body = ctx.session.userKey ?? 'anonymous';
};

interface State {
  requestId: string;
}
interface Ctx extends Koa.DefaultContext {
  db: { query(): string };
}
const typed = new Koa<State, Ctx>();
typed.use(session(manager));
typed.use((ctx) => {
  ctx.body = `${ctx.state.requestId} ${ctx.db.query()} ${ctx.session.visits ?? 0}`;
});

export { app, typed };
