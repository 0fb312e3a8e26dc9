import { DATATYPES } from './datatypes.js';
import { affineToQuaternion } from './header-affine.js';
import type { Affine, DataTypeName } from './types.js';

// The fields a written NIfTI-1 header carries.
export interface Nifti1HeaderFields {
  dims: number[];
  datatype: DataTypeName;
  affine: Affine;
  sclSlope: number;
  sclInter: number;
  description?: string;
}

// The offset of the voxels in the single-file NIfTI-1 files this project writes.
export const NIFTI1_VOX_OFFSET = 352;

// A 352-byte little-endian NIfTI-1 header (348 + an empty extension flag) with sform and
// qform both set from the affine (code 1, scanner), pixdim from the affine's column lengths,
// and units in mm.
export function nifti1HeaderBytes(f: Nifti1HeaderFields): Buffer {
  const buf = Buffer.alloc(NIFTI1_VOX_OFFSET);
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dt = DATATYPES[f.datatype];
  v.setInt32(0, 348, true);
  buf.write('r', 38, 'latin1');
  v.setInt16(40, f.dims.length, true);
  for (let i = 0; i < 7; i++) v.setInt16(42 + i * 2, f.dims[i] ?? 1, true);
  v.setInt16(70, dt.code, true);
  v.setInt16(72, dt.bytes * 8, true);
  const q = affineToQuaternion(f.affine);
  const pixdim = [q.qfac, ...q.pixdim, 1, 1, 1, 1];
  for (let i = 0; i < 8; i++) v.setFloat32(76 + i * 4, pixdim[i] ?? 1, true);
  v.setFloat32(108, NIFTI1_VOX_OFFSET, true);
  v.setFloat32(112, f.sclSlope, true);
  v.setFloat32(116, f.sclInter, true);
  buf.writeUInt8(2, 123); // xyzt_units: NIFTI_UNITS_MM
  buf.write((f.description ?? 'quality-sentinel').slice(0, 79), 148, 'latin1');
  v.setInt16(252, 1, true); // qform_code: scanner
  v.setInt16(254, 1, true); // sform_code: scanner
  q.quatern.forEach((x, i) => v.setFloat32(256 + i * 4, x, true));
  q.qoffset.forEach((x, i) => v.setFloat32(268 + i * 4, x, true));
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) v.setFloat32(280 + (r * 4 + c) * 4, f.affine[r]![c]!, true);
  }
  buf.write('n+1\0', 344, 'latin1');
  return buf;
}
