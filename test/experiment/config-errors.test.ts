import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSentinel } from '../run-cli.js';
import { tinyExperiment } from './tiny-config.js';

async function expectUserError(args: string[], pattern: RegExp) {
  const result = await runSentinel(args);
  assert.equal(result.exitCode, 2, `${args.join(' ')}\n${result.stderr}`);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at .*:\d+:\d+/, 'no stack trace');
}

test('config errors are clear messages with exit code 2', async () => {
  const { dir, config } = await tinyExperiment('config-errors');
  const out = join(dir, 'runs', 'x');
  await expectUserError(
    ['al-run', '--config', config, '--methods', 'random,magic', '--out', out],
    /unknown method "magic"[\s\S]*valid methods: qs, entropy/,
  );
  await expectUserError(
    ['al-run', '--config', config, '--methods', 'random', '--budget', '7', '--out', out],
    /--budget 7 is larger than the pool \(6 cases\)/,
  );
  await expectUserError(
    ['ssl-run', '--config', config, '--methods', 'random', '--topk', 'x', '--out', out],
    /--topk "x" is not a whole number of at least 1/,
  );
  await expectUserError(
    [
      'al-run',
      '--config',
      config,
      '--methods',
      'random',
      '--budget',
      '2',
      '--detach',
      '--out',
      out,
    ],
    /--detach queues the run on Slurm, and this config runs its jobs here \(executor kind local\)/,
  );
  await expectUserError(
    ['run-step', '--run', join(dir, 'nowhere'), '--key', 'train/m0'],
    /no run in .*nowhere/,
  );
  await expectUserError(
    ['al-run', '--config', join(dir, 'missing.yaml')],
    /config file .*missing\.yaml: not found/,
  );
  const badYaml = join(dir, 'bad.yaml');
  await writeFile(badYaml, 'name: x\ndata:\n  demo: {labeled: 3\nengine: [\n');
  await expectUserError(['al-run', '--config', badYaml], /invalid YAML \(line \d+, column \d+\)/);
  const badField = join(dir, 'bad-field.yaml');
  await writeFile(
    badField,
    (await import('node:fs'))
      .readFileSync(config, 'utf8')
      .replace('repeat', 'repeat')
      .replace('training:\n', 'training:\n  frobnicate: 1\n'),
  );
  await expectUserError(
    ['al-run', '--config', badField],
    /is not valid:\n\s+training: .*frobnicate/,
  );
  const twice = join(dir, 'twice.yaml');
  await writeFile(
    twice,
    `${(await import('node:fs')).readFileSync(config, 'utf8')}methods: [random, qs, random]\n`,
  );
  await expectUserError(
    ['al-run', '--config', twice],
    /is not valid:\n\s+methods: lists a method twice/,
  );
  await expectUserError(
    ['al-run', '--config', config, '--seed-list', '1,2,1', '--out', out],
    /--seed-list lists an item twice/,
  );
  const missingData = join(dir, 'missing-data.yaml');
  await writeFile(
    missingData,
    (await import('node:fs'))
      .readFileSync(config, 'utf8')
      .replace(
        /data:\n.*\n/,
        'data:\n  dataset: nowhere/dataset.json\n  split: nowhere/split.json\n',
      ),
  );
  await expectUserError(
    ['al-run', '--config', missingData, '--methods', 'random', '--out', out],
    /nowhere\/dataset\.json: file not found/,
  );
  const noMc = join(dir, 'no-mc.yaml');
  await writeFile(
    noMc,
    (await import('node:fs'))
      .readFileSync(config, 'utf8')
      .replace('supportsMcDropout: true', 'supportsMcDropout: false'),
  );
  await expectUserError(
    ['al-run', '--config', noMc, '--methods', 'mc-dropout', '--out', out],
    /cannot make Monte-Carlo-dropout samples/,
  );
});

test('a config value of the wrong type inside data, and budgets from the config, are named where they are', async () => {
  const { dir, config } = await tinyExperiment('config-where');
  const text = (await import('node:fs')).readFileSync(config, 'utf8');
  const quoted = join(dir, 'quoted.yaml');
  await writeFile(quoted, text.replace('labeled: 3', 'labeled: "6"'));
  await expectUserError(
    ['al-run', '--config', quoted, '--out', join(dir, 'runs', 'q')],
    /data\.demo\.labeled: Invalid input: expected number, received string/,
  );
  const budgets = join(dir, 'budgets.yaml');
  await writeFile(budgets, `${text}al:\n  budgets: [50]\n`);
  await expectUserError(
    ['al-run', '--config', budgets, '--methods', 'random', '--out', join(dir, 'runs', 'b')],
    /al\.budgets in .*budgets\.yaml: 50 is larger than the pool \(6 cases\)/,
  );
});
