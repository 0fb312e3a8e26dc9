import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { contractJsonSchemas, schemaFileText } from '../../engine/contract-schemas.js';
import type { Command } from '../command.js';

// `sentinel engine-schemas [--out DIR]`: the engine contract's JSON Schemas, printed as one
// JSON object (name -> schema) or written as DIR/<name>.schema.json.
const engineSchemas: Command = {
  description: 'Print (or write with --out) the JSON Schemas of the engine contract v1',
  usage: 'sentinel engine-schemas [--out DIR]',
  options: {
    out: {
      type: 'string',
      value: 'DIR',
      help: 'write DIR/<name>.schema.json, one file per schema (default: print one JSON object)',
    },
  },
  async run({ values }) {
    const schemas = contractJsonSchemas();
    if (typeof values.out !== 'string') {
      process.stdout.write(schemaFileText(schemas));
      return 0;
    }
    const dir = resolve(values.out);
    await mkdir(dir, { recursive: true });
    for (const [name, schema] of Object.entries(schemas)) {
      await writeFile(join(dir, `${name}.schema.json`), schemaFileText(schema));
      process.stdout.write(`${join(dir, `${name}.schema.json`)}\n`);
    }
    return 0;
  },
};
export default engineSchemas;
