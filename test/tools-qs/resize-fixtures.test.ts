import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../src/package-root.js';
import { makeTempDir, runQsTool, torchSkipReason } from './python-tools.js';

const committed = path.join(packageRoot, 'test/fixtures/pillow-resize');

test(
  'the committed Pillow resize fixtures are what make_resize_fixtures.py writes',
  {
    skip: torchSkipReason,
  },
  async () => {
    const out = makeTempDir('qs-resize-fixtures');
    const made = await runQsTool('make_resize_fixtures.py', ['--out', out]);
    assert.equal(made.exitCode, 0, made.stderr);
    const names = readdirSync(committed).sort();
    assert.deepEqual(readdirSync(out).sort(), names);
    for (const name of names) {
      const read = (dir: string) => {
        const { pillowVersion: _, ...rest } = JSON.parse(
          readFileSync(path.join(dir, name), 'utf8'),
        );
        return rest as unknown;
      };
      assert.deepEqual(read(out), read(committed), name);
    }
  },
);

test('the committed fixtures stay small and well-formed', () => {
  let bytes = 0;
  for (const name of readdirSync(committed)) {
    const text = readFileSync(path.join(committed, name), 'utf8');
    bytes += text.length;
    const fixture = JSON.parse(text) as {
      inputHeight: number;
      inputWidth: number;
      size: number;
      input: number[];
      rows: number[];
      output: number[][];
    };
    assert.equal(fixture.input.length, fixture.inputHeight * fixture.inputWidth, name);
    assert.equal(fixture.rows.length, fixture.output.length, name);
    for (const row of fixture.output) assert.equal(row.length, fixture.size, name);
    assert.ok(
      fixture.input.every((v) => Math.fround(v) === v),
      `${name}: float32 inputs`,
    );
  }
  assert.ok(bytes < 300 * 1024, `fixtures total ${bytes} bytes`);
});
