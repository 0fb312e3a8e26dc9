import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The installed package's root folder (this file runs from dist/src/), used for "{package}"
// in configs: the shipped engine, models and configs live there.
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

// The package version from package.json, recorded with every experiment.
export const packageVersion: string = (
  JSON.parse(readFileSync(`${packageRoot}/package.json`, 'utf8')) as { version: string }
).version;
