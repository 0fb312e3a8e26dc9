// Makes the demo's pretrained init (models/reference-init/): the reference engine trained on
// source phantoms that the demo never uses otherwise (their own seed, portal-venous only: another
// hospital's routine scans), through the real engine subprocess, so the file is exactly what
// the engine writes. Prints what models/reference-init/CARD.md records.
//
//   npm run demo:init [-- --cases 100 --seed 1000 --work runs/demo-init --out models/reference-init]

import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EngineConfig } from '../../src/engine/engine-config.js';
import { runEngine } from '../../src/engine/run-engine.js';
import { packageRoot } from '../../src/package-root.js';
import { makeDemoDataset } from '../../src/phantom/index.js';

// The source phantoms and the engine settings of the shipped init.
export const DEMO_INIT = {
  seed: 1000,
  cases: 100,
  engineSeed: 1000,
  mix: { 'portal-venous': 1 },
} as const;

const { values: opts } = parseArgs({
  options: {
    cases: { type: 'string', default: String(DEMO_INIT.cases) },
    seed: { type: 'string', default: String(DEMO_INIT.seed) },
    work: { type: 'string', default: 'runs/demo-init' },
    out: { type: 'string', default: 'models/reference-init' },
    params: { type: 'string', default: '{}' },
  },
});
const work = resolve(opts.work!);
const out = resolve(opts.out!);
const started = performance.now();
const source = await makeDemoDataset({
  out: join(work, `source-s${opts.seed}-n${opts.cases}`),
  labeled: Number(opts.cases),
  pool: 0,
  test: 1,
  seed: Number(opts.seed),
  size: [64, 64, 40],
  mix: { labeled: DEMO_INIT.mix, pool: DEMO_INIT.mix, test: DEMO_INIT.mix },
});
const engine = EngineConfig.parse({
  name: 'reference',
  command: [
    process.execPath,
    join(packageRoot, 'dist/engines/reference/main.js'),
    '{action}',
    '--request',
    '{request}',
  ],
  params: JSON.parse(opts.params!),
  timeoutSeconds: 3600,
});
const checkpoint = join(work, 'checkpoint.json');
const result = await runEngine(
  engine,
  {
    action: 'train',
    init: null,
    cases: source.labeled.map(({ id, image, label }) => ({ id, image, label })),
    classes: source.classes,
    seed: DEMO_INIT.engineSeed,
    checkpoint,
  },
  { jobDir: join(work, 'train') },
);
if (!result.ok) throw new Error(`training the init failed: ${result.message}\n${result.logTail}`);
await mkdir(out, { recursive: true });
await copyFile(checkpoint, join(out, 'checkpoint.json'));
const bytes = await readFile(join(out, 'checkpoint.json'));
console.log(
  `source phantoms: ${source.labeled.length} (seed ${opts.seed}, portal-venous), ${source.dir}`,
);
console.log(
  `engine params: ${JSON.stringify(engine.params)}; stats ${JSON.stringify(result.response.stats)}`,
);
console.log(
  `checkpoint: ${join(out, 'checkpoint.json')}, ${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`,
);
console.log(
  `made in ${((performance.now() - started) / 1000).toFixed(0)} s (train job: ${result.cost.wallSeconds.toFixed(1)} s wall, ${(result.cost.cpuSeconds ?? Number.NaN).toFixed(1)} s CPU, ${((result.cost.peakRssBytes ?? Number.NaN) / 2 ** 20).toFixed(0)} MiB peak)`,
);
