// Runs tools/reference/metrics_reference.py (numpy + scipy under the tests' Python) for the
// metrics tests, exchanging volumes as raw little-endian files in a temporary folder.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_PYTHON, pythonSkipReason } from '../requirements/python-modules.js';

const python = TEST_PYTHON;
const script = fileURLToPath(
  new URL('../../../tools/reference/metrics_reference.py', import.meta.url),
);

// Why the reference cannot run here, or undefined when it can (for `test(..., { skip })`).
export function scipySkipReason(): string | undefined {
  return pythonSkipReason(['numpy', 'scipy.ndimage', 'scipy.stats']);
}

function run(args: string[], input?: string): string {
  return execFileSync(python, [script, ...args], {
    encoding: 'utf8',
    input,
    maxBuffer: 64 * 1024 * 1024,
  });
}

function withTempDir<T>(body: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'metrics-ref-'));
  try {
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Triple = readonly [number, number, number];

function bytesOf(values: Uint8Array | Uint16Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

// scipy's distance_transform_edt to the nearest non-zero voxel of `features`.
export function referenceDistance(
  features: Uint8Array,
  dims: Triple,
  spacing: Triple,
): Float64Array {
  return withTempDir((dir) => {
    const input = join(dir, 'features.raw');
    const output = join(dir, 'distance.raw');
    writeFileSync(input, bytesOf(features));
    run([
      'edt',
      '--features',
      input,
      '--out',
      output,
      '--dims',
      ...dims.map(String),
      '--spacing',
      ...spacing.map(String),
    ]);
    const bytes = readFileSync(output);
    return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  });
}

export interface ReferenceLabel {
  dsc: number | null;
  nsd: number | null;
  pred_voxels: number;
  truth_voxels: number;
  border_pred: number;
  border_truth: number;
  pred_within: number;
  truth_within: number;
}

// The reference's Dice and NSD per label (NaN arrives as null).
export function referenceLabelMetrics(
  pred: Uint8Array | Uint16Array,
  truth: Uint8Array | Uint16Array,
  dims: Triple,
  spacing: Triple,
  labels: number[],
  tolerance: number,
): { labels: Record<string, ReferenceLabel>; seconds: number } {
  return withTempDir((dir) => {
    const p = join(dir, 'pred.raw');
    const t = join(dir, 'truth.raw');
    writeFileSync(p, bytesOf(pred));
    writeFileSync(t, bytesOf(truth));
    const dtype = pred instanceof Uint16Array ? 'uint16' : 'uint8';
    const out = run([
      'labels',
      '--pred',
      p,
      '--truth',
      t,
      '--dtype',
      dtype,
      '--dims',
      ...dims.map(String),
      '--spacing',
      ...spacing.map(String),
      '--labels',
      ...labels.map(String),
      '--tolerance',
      String(tolerance),
    ]);
    return JSON.parse(out);
  });
}

export interface ReferenceStats {
  pearson: number | null;
  spearman: number | null;
  t: number | null;
  p: number | null;
  df: number;
  mean_difference: number | null;
  ci95: [number | null, number | null];
}

// scipy.stats pearsonr(x, y), spearmanr(x, y) and ttest_rel(a, b).
export function referenceStats(data: {
  x: number[];
  y: number[];
  a: number[];
  b: number[];
}): ReferenceStats {
  return JSON.parse(run(['stats'], JSON.stringify(data)));
}
