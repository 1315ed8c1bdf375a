// Builds dist/esm (ESM + .d.ts) and dist/cjs (CommonJS + .d.ts) with the TypeScript compiler itself.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  // Installed as a dependency without devDependencies: the published dist is used as is.
  if (existsSync('dist/esm/index.js')) process.exit(0);
  throw new Error('typescript is not installed: run `npm install` first');
}
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.cjs.json'], { stdio: 'inherit' });
// Mark the CommonJS tree so Node loads its .js files with require().
writeFileSync('dist/cjs/package.json', JSON.stringify({ type: 'commonjs' }) + '\n');

// `require('tessera/express-session')` must return the middleware factory itself, as
// `require('express-session')` does, with Store, MemoryStore, Cookie and Session on it.
import { readFileSync, renameSync } from 'node:fs';
const dropIn = 'dist/cjs/adapters/express-session/index.js';
if (existsSync(dropIn)) {
  const code = readFileSync(dropIn, 'utf8');
  if (!code.includes('module.exports = Object.assign(exports.default')) {
    writeFileSync(dropIn, `${code}\nmodule.exports = Object.assign(exports.default, exports);\n`);
  }
  // Its types say the same (`export =`), so `import session = require(...)` and, without
  // esModuleInterop, `import * as session from ...` are callable: the ES-shaped declarations
  // move aside and the function (with its namespace of types) is the module.
  const types = 'dist/cjs/adapters/express-session/index.d.ts';
  renameSync(types, 'dist/cjs/adapters/express-session/named-exports.d.ts');
  writeFileSync(
    types,
    `// The CommonJS face of tessera/express-session: module.exports is the middleware factory.\n` +
      `import { session } from './named-exports.js';\nexport = session;\n`,
  );
}
