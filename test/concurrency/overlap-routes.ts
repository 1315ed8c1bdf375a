/**
 * The two routes every concurrency suite races: `/init` writes a session, `/set/:name?v=` awaits
 * 5 ms after its load (so two requests overlap), then sets one key.
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Express } from 'express';
import { route } from '../helpers/express-apps.js';

/** Adds `/init` and `/set/:name` to `app` (mounted after the session middleware). */
export function addOverlapRoutes(app: Express): void {
  app.get('/init', (req, res) => {
    (req.session as unknown as Record<string, unknown>).started = true;
    res.json({ id: req.sessionID });
  });
  app.get(
    '/set/:name',
    route(async (req, res) => {
      await sleep(5);
      (req.session as unknown as Record<string, unknown>)[String(req.params.name)] = Number(req.query.v);
      res.json({ ok: true });
    }),
  );
}
