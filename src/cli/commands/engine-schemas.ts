import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { contractJsonSchemas, schemaFileText } from '../../engine/contract-schemas.js';
import { defineCommand } from '../command.js';
import { stringFlag, text } from '../flags.js';

// `sentinel engine-schemas [--out DIR]`: the engine contract's JSON Schemas, printed as one
// JSON object (name -> schema) or written as DIR/<name>.schema.json.
const engineSchemas = defineCommand({
  description: 'Print (or write with --out) the JSON Schemas of the engine contract v1',
  usage: 'sentinel engine-schemas [--out DIR]',
  flags: {
    out: stringFlag(
      'DIR',
      'write DIR/<name>.schema.json, one file per schema (default: print one JSON object)',
      text.optional(),
    ),
  },
  async run({ flags }) {
    const schemas = contractJsonSchemas();
    if (flags.out === undefined) {
      process.stdout.write(schemaFileText(schemas));
      return 0;
    }
    const dir = resolve(flags.out);
    await mkdir(dir, { recursive: true });
    for (const [name, schema] of Object.entries(schemas)) {
      await writeFile(join(dir, `${name}.schema.json`), schemaFileText(schema));
      process.stdout.write(`${join(dir, `${name}.schema.json`)}\n`);
    }
    return 0;
  },
});
export default engineSchemas;
