import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { loadYamlConfig } from '../../config/load-config.js';
import { type CheckLine, checkEngine } from '../../engine/engine-check.js';
import { EngineConfig } from '../../engine/engine-config.js';
import { torchPatchProblem } from '../../engine/torch-patch-rule.js';
import { UserError } from '../../errors.js';
import { checkDemoDatasetOptions, makeDemoDataset } from '../../phantom/index.js';
import { defineCommand } from '../command.js';
import { gridSize, jsonObject, stringFlag, text, wholeNumber } from '../flags.js';

// Only the `engine:` section of a config is read; the rest is left to the experiment schema.
const EngineSection = z.looseObject({ engine: EngineConfig });

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

// `sentinel engine-check --config FILE`: a tiny train + predict through the configured engine
// on phantoms, every output checked against the contract; prints a checklist, exits 0 when all
// checks pass and 1 otherwise.
const engineCheck = defineCommand({
  description: 'Check an engine against the contract (tiny train + predict, outputs validated)',
  usage:
    'sentinel engine-check --config FILE [--params JSON] [--cases N] [--size NxNxN] [--keep DIR]',
  flags: {
    config: stringFlag('FILE', 'config whose engine: section is checked (required)', text),
    params: stringFlag(
      'JSON',
      "engine params merged over the config's, e.g. '{\"steps\": 20}'",
      jsonObject.optional(),
    ),
    cases: stringFlag('N', 'training phantoms, and as many test phantoms', wholeNumber(1), '2'),
    size: stringFlag('XxYxZ', 'voxel grid of the phantoms', gridSize, '32x32x32'),
    keep: stringFlag(
      'DIR',
      'work in DIR and keep its files (default: a temporary folder, removed when all pass)',
      text.optional(),
    ),
  },
  async run({ flags }) {
    const { engine } = await loadYamlConfig(flags.config, EngineSection);
    refuseUnfitPatch({ ...engine.params, ...flags.params });
    const phantoms = {
      labeled: flags.cases,
      pool: 0,
      test: flags.cases,
      seed: 0,
      size: flags.size,
    };
    checkDemoDatasetOptions({ out: 'engine-check', ...phantoms });
    const dir = flags.keep
      ? resolve(flags.keep)
      : await mkdtemp(join(tmpdir(), 'sentinel-engine-check-'));
    const out = process.stdout;
    out.write(`engine-check: ${engine.name} (${engine.command.join(' ')})\n`);
    out.write(
      `  ${flags.cases} training and ${flags.cases} test phantoms of ${flags.size.join('x')} voxels in ${dir}\n`,
    );
    const data = await makeDemoDataset({ out: join(dir, 'data'), ...phantoms });
    const lines = await checkEngine(engine, {
      dir,
      data,
      params: flags.params ?? {},
      onLine: (line) => out.write(formatLine(line)),
    });
    const failures = lines.filter((l) => l.status === 'fail').length;
    const passes = lines.filter((l) => l.status === 'pass').length;
    if (failures === 0) {
      out.write(`ok: all ${passes} checks passed\n`);
      if (!flags.keep) await rm(dir, { recursive: true, force: true });
      return 0;
    }
    out.write(`FAILED: ${failures} of ${passes + failures} checks failed; files kept in ${dir}\n`);
    return 1;
  },
});
export default engineCheck;

// The patch rule for the params engine-check will run (the config's with --params merged over
// them), before any phantom is made or any model built.
function refuseUnfitPatch(params: Record<string, unknown>): void {
  const problem = torchPatchProblem(params);
  if (problem)
    throw new UserError(`engine-check: params.patchSize: ${problem}`, {
      hint: 'set engine.params.patchSize in the config, or pass --params \'{"patchSize": [64, 64, 64]}\'',
    });
}

function formatLine(line: CheckLine): string {
  const [first = '', ...rest] = line.detail.split('\n');
  const detail = first ? `: ${first}` : '';
  return `  ${MARK[line.status]}  ${line.name}${detail}\n${rest.map((l) => `        ${l}\n`).join('')}`;
}
