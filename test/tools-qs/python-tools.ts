import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import * as ort from 'onnxruntime-node';
import { packageRoot } from '../../src/package-root.js';
import { TEST_PYTHON, pythonSkipReason } from '../requirements/python-modules.js';
import { testDataFile, testDataSkip } from '../requirements/test-data.js';

// The Python that has Debian's torch, torchvision, nibabel and Pillow.
export const python = TEST_PYTHON;

// The test data the QS tool tests read: the authors' files and TotalSegmentator's example.
export const officialData = testDataFile('quality-sentinel-official');
export const exampleData = testDataFile('totalsegmentator-example');

// Why the QS tool tests cannot run here (torch not importable), or undefined when they can.
export const torchSkipReason = pythonSkipReason(['torch', 'torchvision', 'nibabel', 'PIL']);

// Why the tests exporting with the authors' label names and embeddings skip here (torch or
// those files missing), or undefined when they run.
export const officialSkipReason =
  torchSkipReason ??
  testDataSkip(
    'quality-sentinel-official/label_embedding.pkl',
    'quality-sentinel-official/DAP_Atlas_label_name.csv',
  );

// Runs tools/qs/SCRIPT with the tests' Python and returns its exit code and output.
export async function runQsTool(script: string, args: string[]) {
  const result = await execa(python, [path.join(packageRoot, 'tools/qs', script), ...args], {
    reject: false,
    timeout: 900_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

// A fresh temporary folder for one test file.
export function makeTempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `${prefix}-`));
}

// Reads a raw little-endian float32 file.
export function readFloat32(file: string): Float32Array {
  const bytes = readFileSync(file);
  return new Float32Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
}

// Reads a float32 .npy file (little-endian, C order) as its shape and values.
export function readNpyFloat32(file: string): { shape: number[]; data: Float32Array } {
  const bytes = readFileSync(file);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  if (!header.includes("'descr': '<f4'") || header.includes("'fortran_order': True")) {
    throw new Error(`${file}: not a C-order little-endian float32 .npy (${header})`);
  }
  const shape = [...(header.match(/'shape': \(([^)]*)\)/)?.[1] ?? '').matchAll(/\d+/g)].map(Number);
  const start = 10 + headerLength;
  return { shape, data: new Float32Array(bytes.buffer.slice(bytes.byteOffset + start)) };
}

// Runs a QS ONNX model with onnxruntime-node in this process; returns the `dice` values.
export async function runOnnx(
  modelFile: string,
  image: Float32Array,
  embedding: Float32Array,
  count: number,
): Promise<{ dice: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(modelFile);
  try {
    const size = Math.round(Math.sqrt(image.length / count / 2));
    const result = await session.run({
      image: new ort.Tensor('float32', image, [count, 2, size, size]),
      embedding: new ort.Tensor('float32', embedding, [count, embedding.length / count]),
    });
    const dice = result.dice;
    if (!dice) throw new Error('no `dice` output');
    return { dice: dice.data as Float32Array, dims: dice.dims };
  } finally {
    await session.release();
  }
}

// The largest absolute difference between two equally long number arrays.
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}
