import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { TEST_PYTHON, pythonSkipReason } from '../requirements/python-modules.js';

// Why a test comparing against nibabel skips here, or undefined when it runs.
export const nibabelMissing = pythonSkipReason(['nibabel', 'numpy']);

// Runs a Python snippet with argv and returns its stdout parsed as JSON.
export async function runPython<T>(code: string, args: string[] = []): Promise<T> {
  const result = await execa(TEST_PYTHON, ['-c', code, ...args], { timeout: 120_000 });
  return JSON.parse(result.stdout) as T;
}

// What nibabel reports for a file.
export interface NibabelView {
  shape: number[];
  dtype: string;
  affine: number[][];
  zooms: number[];
  axcodes: string;
  values: Float64Array; // np.asanyarray(img.dataobj) as float64, x fastest
}

const LOAD = `
import sys, json, numpy as np, nibabel as nb
img = nb.load(sys.argv[1])
data = np.asanyarray(img.dataobj)
open(sys.argv[2], 'wb').write(np.asarray(data, dtype='<f8').tobytes(order='F'))
print(json.dumps({'shape': list(data.shape), 'dtype': str(data.dtype), 'affine': img.affine.tolist(),
  'zooms': [float(z) for z in img.header.get_zooms()], 'axcodes': ''.join(nb.aff2axcodes(img.affine))}))
`;

// Loads a file with nibabel: shape, dtype, affine, zooms, axis codes and the voxel values.
export async function nibabelLoad(path: string, scratch: string): Promise<NibabelView> {
  const raw = `${scratch}.f8`;
  const meta = await runPython<Omit<NibabelView, 'values'>>(LOAD, [path, raw]);
  const bytes = await readFile(raw);
  return {
    ...meta,
    values: new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8),
  };
}
