import { NIFTI1, NIFTI2 } from 'nifti-reader-js';
import { DATATYPE_NAMES, dataTypeByCode, dataTypeCodeName } from './datatypes.js';
import { affineFromHeader } from './header-affine.js';
import type { Affine, DataTypeName } from './types.js';
import { volumeError } from './volume-error.js';

// Everything about a NIfTI file but its voxels.
export interface NiftiHeader {
  path: string;
  version: 1 | 2;
  compressed: boolean;
  // [nx, ny, nz] or [nx, ny, nz, nt]
  dims: number[];
  datatype: DataTypeName;
  spacing: [number, number, number];
  affine: Affine;
  sclSlope: number;
  sclInter: number;
  // Where the voxels start in the (decompressed) file.
  voxOffset: number;
  littleEndian: boolean;
}

// Bytes to read before the header can be parsed (NIfTI-2's header is the larger).
export const HEADER_PROBE_BYTES = 540;

// Parses and checks the header at the start of bytes (already gunzipped); throws a UserError
// naming the file and the problem for anything this project cannot read.
export function parseNiftiHeader(
  path: string,
  bytes: Uint8Array,
  compressed: boolean,
): NiftiHeader {
  const what = compressed ? 'the decompressed data' : 'the file';
  if (bytes.length < 4) {
    throw volumeError(
      path,
      `${what} is only ${bytes.length} bytes long, too short for a NIfTI header`,
      'the file is truncated or not NIfTI',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = headerVersion(view);
  if (version === undefined) {
    const size = view.getInt32(0, true);
    throw volumeError(
      path,
      `not a NIfTI file: ${what} starts with header size ${size} (NIfTI-1 has 348, NIfTI-2 540)`,
      compressed
        ? 'the gzip stream holds something else than NIfTI'
        : 'give a .nii or .nii.gz file',
    );
  }
  const size = version === 1 ? 348 : 540;
  if (bytes.length < size) {
    throw volumeError(
      path,
      `the NIfTI-${version} header is truncated: ${bytes.length} of ${size} bytes`,
      'the file was cut short; copy or export it again',
    );
  }
  checkMagic(path, bytes, version);
  const h = version === 1 ? new NIFTI1() : new NIFTI2();
  const exact = bytes.slice(0, size).buffer;
  try {
    h.readHeader(exact);
  } catch (error) {
    throw volumeError(
      path,
      `unreadable NIfTI-${version} header (${(error as Error).message})`,
      undefined,
      error,
    );
  }
  const dims = checkDims(path, h.dims);
  const datatype = checkDatatype(path, h.datatypeCode);
  const { sclSlope, sclInter } = checkScaling(path, h.scl_slope, h.scl_inter);
  const voxOffset = checkVoxOffset(path, h.vox_offset, version);
  const pixdim = h.pixDims.map((v) => (Number.isFinite(v) ? v : 0));
  const srow =
    version === 1 ? readSrow1(view, h.littleEndian) : h.affine.slice(0, 3).map((r) => r.slice());
  const affine = affineFromHeader({
    dims,
    pixdim,
    qformCode: h.qform_code,
    sformCode: h.sform_code,
    quatern: [h.quatern_b, h.quatern_c, h.quatern_d],
    qoffset: [h.qoffset_x, h.qoffset_y, h.qoffset_z],
    srow: srow as [number[], number[], number[]],
  });
  const spacing: [number, number, number] = [
    Math.abs(pixdim[1] ?? 1),
    Math.abs(pixdim[2] ?? 1),
    Math.abs(pixdim[3] ?? 1),
  ];
  return {
    path,
    version,
    compressed,
    dims,
    datatype,
    spacing,
    affine,
    sclSlope,
    sclInter,
    voxOffset,
    littleEndian: h.littleEndian,
  };
}

function headerVersion(view: DataView): 1 | 2 | undefined {
  for (const little of [true, false]) {
    const size = view.getInt32(0, little);
    if (size === 348) return 1;
    if (size === 540) return 2;
  }
  return undefined;
}

function checkMagic(path: string, bytes: Uint8Array, version: 1 | 2): void {
  const at = version === 1 ? 344 : 4;
  const magic = Buffer.from(bytes.subarray(at, at + 4)).toString('latin1');
  const single = version === 1 ? 'n+1\0' : 'n+2\0';
  const pair = version === 1 ? 'ni1\0' : 'ni2\0';
  if (magic === single) return;
  if (magic === pair) {
    throw volumeError(
      path,
      'is the header of a .hdr/.img pair, which this project does not read',
      'convert it to a single .nii.gz (e.g. nibabel: nib.save(nib.load(f), "out.nii.gz"))',
    );
  }
  throw volumeError(
    path,
    `wrong NIfTI magic: expected "${single.slice(0, 3)}" but found ${JSON.stringify(magic)}`,
    version === 1 ? 'an Analyze 7.5 file? Convert it to NIfTI (.nii.gz)' : 'the header is corrupt',
  );
}

function checkDims(path: string, raw: number[]): number[] {
  const n = raw[0] ?? 0;
  if (!Number.isInteger(n) || n < 1 || n > 7) {
    throw volumeError(path, `header dim[0] is ${n}, must be 1..7`, 'the header is corrupt');
  }
  const sizes = raw.slice(1, n + 1);
  const bad = sizes.find((s) => !Number.isSafeInteger(s) || s < 1);
  if (bad !== undefined) {
    throw volumeError(
      path,
      `header dims ${sizes.join(' x ')} include a size of ${bad} (every size must be at least 1)`,
      'the header is corrupt',
    );
  }
  while (sizes.length > 4 && sizes[sizes.length - 1] === 1) sizes.pop();
  if (sizes.length > 4) {
    throw volumeError(
      path,
      `has ${sizes.length} dimensions (${sizes.join(' x ')}); only 3D and 4D volumes are supported`,
      'split it into 4D volumes',
    );
  }
  while (sizes.length < 3) sizes.push(1);
  return sizes;
}

function checkDatatype(path: string, code: number): DataTypeName {
  const dt = dataTypeByCode(code);
  if (dt) return dt.name;
  throw volumeError(
    path,
    `unsupported datatype ${dataTypeCodeName(code)} (NIfTI code ${code})`,
    `supported: ${DATATYPE_NAMES.join(', ')}; convert e.g. with nibabel's set_data_dtype`,
  );
}

function checkScaling(
  path: string,
  slope: number,
  inter: number,
): { sclSlope: number; sclInter: number } {
  if (slope === 0 || !Number.isFinite(slope)) return { sclSlope: 1, sclInter: 0 };
  if (!Number.isFinite(inter)) {
    throw volumeError(
      path,
      `scl_slope is ${slope} but scl_inter is ${inter}`,
      'set scl_inter to a finite number (0 for none)',
    );
  }
  return { sclSlope: slope, sclInter: inter };
}

function checkVoxOffset(path: string, offset: number, version: 1 | 2): number {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw volumeError(
      path,
      `bad vox_offset ${offset} (must be a whole number of bytes, at least ${version === 1 ? 352 : 544})`,
      'the header is corrupt',
    );
  }
  // nibabel reads a too-small offset of a single-file NIfTI as the minimum; so do we.
  return Math.max(offset, version === 1 ? 352 : 544);
}

function readSrow1(view: DataView, little: boolean): number[][] {
  return [0, 1, 2].map((r) =>
    [0, 1, 2, 3].map((c) => view.getFloat32(280 + (r * 4 + c) * 4, little)),
  );
}
