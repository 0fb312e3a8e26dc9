import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { contractJsonSchemas, schemaFileText } from '../../src/engine/contract-schemas.js';
import { runSentinel } from '../run-cli.js';

const committed = fileURLToPath(new URL('../../../docs/schemas/', import.meta.url));

test('the committed JSON Schemas in docs/schemas equal the ones generated from the zod schemas', async () => {
  const generated = contractJsonSchemas();
  const files = (await readdir(committed)).filter((f) => f.endsWith('.schema.json')).sort();
  assert.deepEqual(
    files,
    Object.keys(generated)
      .map((n) => `${n}.schema.json`)
      .sort(),
  );
  for (const [name, schema] of Object.entries(generated)) {
    const text = await readFile(join(committed, `${name}.schema.json`), 'utf8');
    assert.equal(
      text,
      schemaFileText(schema),
      `docs/schemas/${name}.schema.json is stale: run "sentinel engine-schemas --out docs/schemas"`,
    );
  }
});

test('every schema names the contract version', () => {
  for (const [name, schema] of Object.entries(contractJsonSchemas())) {
    assert.equal(schema.$id, `sentinel-engine/1/${name}.schema.json`);
    if (name !== 'engine-config') {
      const properties = schema.properties as Record<string, { const?: string }>;
      assert.equal(properties.contract?.const, 'sentinel-engine/1');
    }
  }
});

test('sentinel engine-schemas prints them, and --out writes the files', async () => {
  const printed = await runSentinel(['engine-schemas']);
  assert.equal(printed.exitCode, 0, printed.stderr);
  assert.deepEqual(JSON.parse(printed.stdout), contractJsonSchemas());
  const out = await mkdtemp(join(tmpdir(), 'schemas-'));
  const written = await runSentinel(['engine-schemas', '--out', out]);
  assert.equal(written.exitCode, 0, written.stderr);
  assert.equal((await readdir(out)).length, 5);
  assert.equal(
    await readFile(join(out, 'predict-request.schema.json'), 'utf8'),
    await readFile(join(committed, 'predict-request.schema.json'), 'utf8'),
  );
});
