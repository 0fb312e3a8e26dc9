import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { packageRoot } from '../../../src/package-root.js';
import { runSentinel } from '../../run-cli.js';
import { MONAI_ENV, swinunetrSkip, writeSwinunetrCpuConfig } from './swinunetr-setup.js';
import { PYTHON } from './torch-engine-setup.js';

// Writes a feature_size 12 SwinUNETR's Swin encoder in MONAI's two self-supervised formats
// (load_from.pth and ssl.pth in DIR), as selftest_swinunetr.py writes them.
const WRITE_FORMATS = `import sys
sys.path.insert(0, "engines/torch")
from selftest_swinunetr import CONFIG, write_formats
from sentinel_torch.networks import build_network
write_formats(build_network(CONFIG), sys.argv[1])`;

interface JobRow {
  kind: string;
  method: string | null;
  status: string;
  logPath: string | null;
}

// The jobs and the methods with metrics of a finished run.
function readRun(out: string): { jobs: JobRow[]; methods: string[] } {
  const db = new Database(join(out, 'sentinel.db'), { readonly: true });
  try {
    const jobs = db
      .prepare('select kind, method, status, log_path logPath from jobs')
      .all() as JobRow[];
    const methods = (
      db.prepare('select distinct method from metrics order by method').all() as {
        method: string;
      }[]
    ).map((m) => m.method);
    return { jobs, methods };
  } finally {
    db.close();
  }
}

// The shipped CPU-sized SwinUNETR config (configs/swinunetr-cpu.yaml) through the real CLI:
// engine-check, the patch rule before any work, and a small al-run and ssl-run end to end,
// M0 starting from MONAI's self-supervised Swin weights (files the test writes). The runs use
// 2 pool cases instead of 3 and one M0 step instead of 2: what they assert (every job done,
// each method's metrics, the weights M0 loaded) does not depend on either, and each 64^3
// SwinUNETR pass costs seconds on a CPU (the run predicts the pool three times, 5 passes a case).
describe(
  'SwinUNETR through the CLI: engine-check, al-run, ssl-run',
  { skip: swinunetrSkip },
  () => {
    let dir = '';
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'swinunetr-runs-'));
      await execa(PYTHON, ['-c', WRITE_FORMATS, dir], { cwd: packageRoot, env: MONAI_ENV });
    });
    after(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('engine-check passes on the CPU config', async () => {
      const config = await writeSwinunetrCpuConfig(dir);
      const result = await runSentinel(['engine-check', '--config', config, '--cases', '1']);
      assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
      assert.match(result.stdout, /ok: all \d+ checks passed/);
      assert.match(result.stdout, /PASS\s+MC samples: differ from each other/);
    });

    it('refuses a 32^3 patch before any training: engine-check, al-run', async () => {
      const config = await writeSwinunetrCpuConfig(dir);
      const rule =
        /swinunetr needs a 1\/32 bottleneck of more than one voxel .*got patchSize \[32, 32, 32\]/;
      const checked = await runSentinel([
        'engine-check',
        '--config',
        config,
        '--params',
        '{"patchSize": [32, 32, 32]}',
        '--keep',
        join(dir, 'refused-check'),
      ]);
      assert.equal(checked.exitCode, 2, `${checked.stdout}\n${checked.stderr}`);
      assert.match(checked.stderr, rule);
      assert.doesNotMatch(checked.stdout, /PASS|FAIL/);
      const small = await writeSwinunetrCpuConfig(dir, (c) => {
        c.training = { m0: { params: { patchSize: [32, 32, 32] } } };
      });
      const out = join(dir, 'refused-run');
      const run = await runSentinel(['al-run', '--config', small, '--out', out]);
      assert.equal(run.exitCode, 2, `${run.stdout}\n${run.stderr}`);
      assert.match(
        run.stderr,
        /training\.m0\.params\.patchSize: swinunetr needs a 1\/32 bottleneck/,
      );
    });

    for (const [command, flag, methods, weights, format] of [
      ['al-run', '--budget', 'entropy,mc-dropout', 'load_from.pth', 'monai-swin-load-from'],
      ['ssl-run', '--topk', 'qs', 'ssl.pth', 'monai-swin-ssl'],
    ] as const) {
      it(`${command} end to end, M0 from MONAI's ${format} weights`, async () => {
        const config = await writeSwinunetrCpuConfig(dir, (c) => {
          const training = c.training as { m0: { params: object } };
          c.training = {
            ...training,
            pretrained: join(dir, weights),
            m0: { ...training.m0, params: { ...training.m0.params, steps: 1 } },
          };
          const data = c.data as { demo: object };
          c.data = { ...data, demo: { ...data.demo, pool: 2 } };
        });
        const out = join(dir, command);
        const args = ['--config', config, '--methods', methods, flag, '1', '--out', out];
        const result = await runSentinel([command, ...args]);
        assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
        const { jobs, methods: recorded } = readRun(out);
        assert.ok(jobs.length > 0 && jobs.every((j) => j.status === 'done'), JSON.stringify(jobs));
        for (const method of methods.split(','))
          assert.ok(recorded.includes(method), `${recorded}`);
        const m0 = jobs.find((j) => j.kind === 'train' && j.method === 'baseline');
        assert.ok(m0?.logPath, JSON.stringify(jobs));
        // The M0 job's folder (where the recorded log path points) holds the engine's response.
        const response = JSON.parse(
          await readFile(join(dirname(m0.logPath), 'response.json'), 'utf8'),
        ) as { stats: { pretrainedTensors: { format: string; loaded: number } } };
        assert.equal(response.stats.pretrainedTensors.format, format);
        assert.equal(response.stats.pretrainedTensors.loaded, 126, 'the Swin encoder: 126 tensors');
      });
    }
  },
);
