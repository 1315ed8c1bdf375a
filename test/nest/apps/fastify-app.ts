/**
 * The README's "NestJS on Fastify" example as a test app: Nest 12 on its Fastify platform with
 * `tessera/fastify` registered by `app.register(tesseraSession, { manager })`, and a controller
 * that reads and writes `request.session`. Loaded like express-app.ts (see there).
 *
 * @module
 */
import { Controller, Get, Module, Post, Redirect, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { SessionManager, type Store } from '../../../src/index.js';
import tesseraSession from '../../../src/adapters/fastify/index.js';
import type { NestListening } from './listening.js';

@Controller()
class AppController {
  @Get()
  home(@Req() request: FastifyRequest): { views: number; user: string | null; id: string } {
    request.session.nestViews = (request.session.nestViews ?? 0) + 1;
    return { views: request.session.nestViews, user: request.session.userKey ?? null, id: request.session.id };
  }

  @Post('login')
  @Redirect('/', 303)
  async login(@Req() request: FastifyRequest): Promise<void> {
    // ...check the password...
    await request.session.login('u1'); // new ID (no fixation), stored before it resolves
  }

  @Post('logout')
  @Redirect('/', 303)
  async logout(@Req() request: FastifyRequest): Promise<void> {
    await request.session.destroy();
  }
}

@Module({ controllers: [AppController] })
class AppModule {}

/** Starts the app on an ephemeral port of 127.0.0.1 with sessions in `store`. */
export async function startNestFastify(options: { secret: string; store: Store; storeTimeout?: number }): Promise<NestListening> {
  const manager = new SessionManager({ ...options, circuitBreaker: false, warn: () => {} });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
  await app.register(tesseraSession, { manager });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as import('node:http').Server;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await app.close();
    },
  };
}
