/**
 * The README's "NestJS on Express" example as a test app: Nest 12 on its Express platform with
 * `tessera/express` mounted by `app.use(session(manager))`, and a controller that reads and
 * writes `req.session`. Decorated with legacy decorators and no constructor injection, so it
 * needs no emitted metadata (tsx does not emit it): test/nest/load-app.ts loads it under
 * tsconfig.test.json, which enables `experimentalDecorators`.
 *
 * @module
 */
import { Controller, Get, Module, Post, Redirect, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import type { AddressInfo } from 'node:net';
import { SessionManager, type Store } from '../../../src/index.js';
import { session } from '../../../src/adapters/express/index.js';
import type { NestListening } from './listening.js';

// What the Nest test apps keep in sessions (prefixed: this augmentation is program-wide).
declare module '../../../src/core/session.js' {
  interface SessionData {
    nestViews: number;
  }
}

@Controller()
class AppController {
  @Get()
  home(@Req() req: Request): { views: number; user: string | null; id: string } {
    req.session.nestViews = (req.session.nestViews ?? 0) + 1;
    return { views: req.session.nestViews, user: req.session.userKey ?? null, id: req.session.id };
  }

  @Post('login')
  @Redirect('/', 303)
  async login(@Req() req: Request): Promise<void> {
    // ...check the password...
    await req.session.login('u1'); // new ID (no fixation), stored before it resolves
  }

  @Post('logout')
  @Redirect('/', 303)
  async logout(@Req() req: Request): Promise<void> {
    await req.session.destroy();
  }
}

@Module({ controllers: [AppController] })
class AppModule {}

/** Starts the app on an ephemeral port of 127.0.0.1 with sessions in `store`. */
export async function startNestExpress(options: { secret: string; store: Store; storeTimeout?: number }): Promise<NestListening> {
  const manager = new SessionManager({ ...options, circuitBreaker: false, warn: () => {} });
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: false });
  app.use(session(manager));
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as import('node:http').Server;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      // fetch keeps connections alive; end them so close() completes.
      server.closeAllConnections();
      await app.close();
    },
  };
}
