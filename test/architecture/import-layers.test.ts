import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { packageRoot } from '../../src/package-root.js';

// The layers of src/ and strategies/, top first. A module may import its own part and the parts
// of lower layers, never a higher layer nor another part of its own layer (a type or constant
// two parts share lives in a lower one). The order is STYLE.md's rule 13 (cli -> experiment ->
// report/score/strategies -> engine/qs/executor -> volume/db -> metrics), with the parts it
// does not name placed where their imports put them:
// - config (the experiment config schema) sits under experiment only: it is composed of the
//   sections other parts own (engine's EngineConfig, executor's ExecutorConfig) and read by
//   experiment and the CLI.
// - phantom (the demo's data generator) writes volumes and is used by the CLI, the experiment
//   and the report; no engine needs it (engine-check is handed its cases).
// - engine runs its subprocess through the executor's one runner, so engine and qs sit above
//   executor.
// - probabilities (probability-map readers) and uncertainty (per-voxel reductions for entropy
//   and MC dropout) are read by engine-check and the strategies, and read volumes.
// - system-faults.ts (a full disk, a damaged database as a UserError) serves every layer above.
// - errors.ts, package-root.ts, seeded-uniform.ts, shell-quote.ts and csv/ import nothing of the project and
//   serve every layer.
const LAYERS: readonly (readonly string[])[] = [
  ['cli'],
  ['experiment'],
  ['config'],
  ['report', 'score', 'strategies'],
  ['engine', 'qs', 'phantom'],
  ['executor'],
  ['probabilities', 'uncertainty'],
  ['volume', 'db'],
  ['metrics'],
  ['system-faults'],
  ['errors', 'package-root', 'seeded-uniform', 'shell-quote', 'csv', 'types'],
];

// The part a project file belongs to ("src/qs/bundle.ts" -> qs, "src/errors.ts" -> errors).
function partOf(file: string): string | undefined {
  const [top, second] = file.split('/');
  if (top === 'strategies') return 'strategies';
  if (top !== 'src' || second === undefined) return undefined;
  return second.replace(/\.ts$/, '');
}

function layerOf(part: string): number {
  return LAYERS.findIndex((layer) => layer.includes(part));
}

// Every .ts file under a folder of the source tree, relative to the package root.
function sourceFiles(folder: string): string[] {
  return readdirSync(join(packageRoot, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(folder, f));
}

// The project files a source file imports (static, type-only, re-exports and import()).
function projectImports(file: string): string[] {
  const text = readFileSync(join(packageRoot, file), 'utf8');
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((i) => i.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) =>
      relative(packageRoot, resolve(packageRoot, dirname(file), name)).replace(/\.js$/, '.ts'),
    );
}

const files = [...sourceFiles('src'), ...sourceFiles('strategies')];
const edges = files.flatMap((from) => projectImports(from).map((to) => ({ from, to })));

test('every part of src/ and strategies/ has a layer', () => {
  const parts = new Set(files.map((f) => partOf(f) ?? f));
  assert.deepEqual(
    [...parts].filter((p) => layerOf(p) < 0),
    [],
  );
  assert.ok(edges.length > 500, `${edges.length} imports read`);
});

test('imports run down the layers, never up nor across to another part of the same layer', () => {
  const wrong = edges.flatMap(({ from, to }) => {
    const [a, b] = [partOf(from), partOf(to)];
    if (a === b) return [];
    if (a === undefined || b === undefined) return [`${from} -> ${to} (outside src/, strategies/)`];
    return layerOf(b) > layerOf(a) ? [] : [`${from} -> ${to} (${a} -> ${b})`];
  });
  assert.deepEqual(wrong, []);
});

test('a strategy imports no other strategy, and only the registry imports a strategy', () => {
  const registry = 'strategies/registry.ts';
  const strategies = new Set(
    projectImports(registry).filter(
      (f) => f.startsWith('strategies/') && f !== 'strategies/strategy.ts',
    ),
  );
  assert.ok(strategies.size >= 5, [...strategies].join(', '));
  const wrong = edges
    .filter(({ from, to }) => strategies.has(to) && from !== registry)
    .map(({ from, to }) => `${from} -> ${to}`);
  assert.deepEqual(wrong, []);
});
