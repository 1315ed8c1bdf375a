/**
 * The demo's session secret: `SESSION_SECRET` from the environment, or else a random one kept
 * in a file beside the database, so restarting the demo keeps everybody signed in.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Where the secret came from. */
export type SecretSource = 'env' | 'file' | 'generated';

/**
 * `SESSION_SECRET` if set; otherwise the secret in `file`, created (256 random bits, readable
 * by the owner only) on first run.
 */
export async function loadSecret(file: string, env: NodeJS.ProcessEnv = process.env): Promise<{ secret: string; source: SecretSource }> {
  const fromEnv = env.SESSION_SECRET;
  if (fromEnv !== undefined && fromEnv !== '') return { secret: fromEnv, source: 'env' };
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored !== '') return { secret: stored, source: 'file' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('base64url');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return { secret, source: 'generated' };
}
