import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { loadYamlConfig } from '../../config/load-config.js';
import { type CheckLine, checkEngine } from '../../engine/engine-check.js';
import { EngineConfig } from '../../engine/engine-config.js';
import { UserError } from '../../errors.js';
import {
  checkDemoDatasetOptions,
  makeDemoDataset,
  parseCount,
  parseGridSize,
} from '../../phantom/index.js';
import type { Command } from '../command.js';

// Only the `engine:` section of a config is read; the rest is left to the experiment schema.
const EngineSection = z.looseObject({ engine: EngineConfig });

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

// `sentinel engine-check --config FILE`: a tiny train + predict through the configured engine
// on phantoms, every output checked against the contract; prints a checklist, exits 0 when all
// checks pass and 1 otherwise.
const engineCheck: Command = {
  description: 'Check an engine against the contract (tiny train + predict, outputs validated)',
  usage:
    'sentinel engine-check --config FILE [--params JSON] [--cases N] [--size NxNxN] [--keep DIR]',
  options: {
    config: {
      type: 'string',
      value: 'FILE',
      help: 'config whose engine: section is checked (required)',
    },
    params: {
      type: 'string',
      value: 'JSON',
      help: "engine params merged over the config's, e.g. '{\"steps\": 20}'",
    },
    cases: {
      type: 'string',
      value: 'N',
      default: '2',
      help: 'training phantoms, and as many test phantoms',
    },
    size: {
      type: 'string',
      value: 'XxYxZ',
      default: '32x32x32',
      help: 'voxel grid of the phantoms',
    },
    keep: {
      type: 'string',
      value: 'DIR',
      help: 'work in DIR and keep its files (default: a temporary folder, removed when all pass)',
    },
  },
  async run({ values }) {
    if (typeof values.config !== 'string') {
      throw new UserError('engine-check needs --config FILE', {
        hint: 'e.g. sentinel engine-check --config configs/demo.yaml',
      });
    }
    const { engine } = await loadYamlConfig(values.config, EngineSection);
    const params = parseParams(values.params);
    const cases = parseCount('cases', String(values.cases));
    if (cases < 1) throw new UserError('--cases must be at least 1');
    const size = parseGridSize(String(values.size));
    const phantoms = { labeled: cases, pool: 0, test: cases, seed: 0, size };
    checkDemoDatasetOptions({ out: 'engine-check', ...phantoms });
    const dir =
      typeof values.keep === 'string'
        ? resolve(values.keep)
        : await mkdtemp(join(tmpdir(), 'sentinel-engine-check-'));
    const out = process.stdout;
    out.write(`engine-check: ${engine.name} (${engine.command.join(' ')})\n`);
    out.write(
      `  ${cases} training and ${cases} test phantoms of ${size.join('x')} voxels in ${dir}\n`,
    );
    const data = await makeDemoDataset({ out: join(dir, 'data'), ...phantoms });
    const lines = await checkEngine(engine, {
      dir,
      data,
      params,
      onLine: (line) => out.write(formatLine(line)),
    });
    const failures = lines.filter((l) => l.status === 'fail').length;
    const passes = lines.filter((l) => l.status === 'pass').length;
    if (failures === 0) {
      out.write(`ok: all ${passes} checks passed\n`);
      if (typeof values.keep !== 'string') await rm(dir, { recursive: true, force: true });
      return 0;
    }
    out.write(`FAILED: ${failures} of ${passes + failures} checks failed; files kept in ${dir}\n`);
    return 1;
  },
};
export default engineCheck;

function formatLine(line: CheckLine): string {
  const [first = '', ...rest] = line.detail.split('\n');
  const detail = first ? `: ${first}` : '';
  return `  ${MARK[line.status]}  ${line.name}${detail}\n${rest.map((l) => `        ${l}\n`).join('')}`;
}

function parseParams(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new UserError(`--params ${text} is not a JSON object`, {
    hint: `e.g. --params '{"steps": 200}'`,
  });
}
