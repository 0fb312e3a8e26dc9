import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Experiment } from '../../src/db/experiments.js';
import { resolveSettings } from '../../src/experiment/resolve-settings.js';
import { recordedSettings } from '../../src/experiment/review/recorded-settings.js';
import { packageRoot } from '../../src/package-root.js';
import { tinyExperiment } from './tiny-config.js';

const example = join(packageRoot, 'docs', 'examples', 'volume-outlier-strategy.mjs');

test("a user strategy module's contents are part of the run's configuration", async () => {
  const { dir, config } = await tinyExperiment('user-module-hash');
  const module = join(dir, 'outlier.mjs');
  await copyFile(example, module);
  const flags = { config, methods: ['random', module], budgets: [2], out: join(dir, 'runs', 'x') };
  const first = await resolveSettings('al', flags);
  const recorded = first.settings.recordedConfig as Record<string, Record<string, string>>;
  assert.equal(recorded.strategyModules?.['volume-outlier'], module);
  assert.match(recorded.strategyModuleSha256?.['volume-outlier'] ?? '', /^[0-9a-f]{64}$/);
  assert.equal((await resolveSettings('al', flags)).settings.configHash, first.settings.configHash);
  // A later command on the run (a detached run's job, an import) rebuilds the same strategy.
  const experiment = {
    kind: 'al',
    config: first.settings.recordedConfig,
    configHash: first.settings.configHash,
  } as Experiment;
  const rebuilt = await recordedSettings(experiment, flags.out);
  assert.deepEqual(rebuilt.methods, ['random', 'volume-outlier']);
  // An edit of the module (a comment is enough) is another configuration: a resumed run
  // refuses it unless --force, as it refuses any other changed setting, and a later command
  // on the run refuses to score with other code than the run's.
  await writeFile(module, `${await readFile(module, 'utf8')}\n// edited\n`);
  await assert.rejects(
    recordedSettings(experiment, flags.out),
    /changed since the run recorded it/,
  );
  assert.notEqual(
    (await resolveSettings('al', flags)).settings.configHash,
    first.settings.configHash,
  );
});
