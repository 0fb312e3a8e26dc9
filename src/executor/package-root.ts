import { fileURLToPath } from 'node:url';

// The installed package's root folder (the one holding package.json and dist/): `{package}` in
// engine commands. This file compiles to dist/src/executor/package-root.js.
export const packageRoot: string = fileURLToPath(new URL('../../../', import.meta.url)).replace(
  /\/$/,
  '',
);
