/**
 * Loads a Nest test app (test/nest/apps/) with decorators enabled. Nest's decorators are legacy
 * (`experimentalDecorators`) ones, parameter decorators included, which esbuild compiles only
 * when the tsconfig applied to the file says so; tsx applies the tsconfig.json of the working
 * directory, whose `include` is src/ alone. So the apps are imported through tsx's API under
 * tsconfig.test.json (which covers test/ and enables `experimentalDecorators`, no decorator
 * metadata: the apps use `@Req()` and no constructor injection, so they need none).
 *
 * The app module and what it imports (Nest, Tessera's sources) load in tsx's own namespace,
 * as a second copy: hand the app only plain values (a secret, a duck-typed store).
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const tsconfig = fileURLToPath(new URL('../../tsconfig.test.json', import.meta.url));

/** Imports `test/nest/apps/<name>` with decorators on. */
export async function loadNestApp<T>(name: string): Promise<T> {
  return (await tsImport(`./apps/${name}`, { parentURL: import.meta.url, tsconfig })) as T;
}
