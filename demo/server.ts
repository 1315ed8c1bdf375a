/**
 * `npm start`: runs the demo on PORT (default 3000), with sessions in ./data/sessions.db.
 *
 * The session secret is SESSION_SECRET if set; otherwise one is generated on first run and kept
 * in ./data/secret, so sessions survive restarts. Set TRUST_PROXY=1 behind a TLS proxy.
 *
 * @module
 */
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { createApp } from './app.js';
import { loadSecret } from './secret.js';

const port = Number(process.env.PORT ?? 3000);
const dataDir = resolve('data');
const { secret, source } = await loadSecret(resolve(dataDir, 'secret'));
if (source === 'generated') console.log(`No SESSION_SECRET set: generated one and saved it in ${resolve(dataDir, 'secret')} (sessions survive restarts).`);
if (source === 'file') console.log(`Using the session secret saved in ${resolve(dataDir, 'secret')}.`);

const demo = await createApp({
  dbPath: resolve(dataDir, 'sessions.db'),
  secret,
  trustProxy: process.env.TRUST_PROXY === '1',
});
const server = createServer(demo.app);
server.listen(port, () => {
  console.log(`Tessera demo listening on http://localhost:${port}`);
});

function shutdown(): void {
  server.close(() => {
    demo.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
  server.closeIdleConnections();
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
