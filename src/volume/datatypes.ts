import type { DataTypeName, VoxelArray } from './types.js';

// What the reader and writer need to know about one NIfTI datatype.
export interface DataTypeInfo {
  name: DataTypeName;
  code: number;
  bytes: number;
  integer: boolean;
  create(length: number): VoxelArray;
  view(buffer: ArrayBuffer, byteOffset: number, length: number): VoxelArray;
}

function info(
  name: DataTypeName,
  code: number,
  bytes: number,
  integer: boolean,
  ctor: {
    new (length: number): VoxelArray;
    new (buffer: ArrayBuffer, byteOffset: number, length: number): VoxelArray;
  },
): DataTypeInfo {
  return {
    name,
    code,
    bytes,
    integer,
    create: (length) => new ctor(length),
    view: (buffer, byteOffset, length) => new ctor(buffer, byteOffset, length),
  };
}

// The datatypes this project reads and writes, keyed by name.
export const DATATYPES: Record<DataTypeName, DataTypeInfo> = {
  uint8: info('uint8', 2, 1, true, Uint8Array),
  int8: info('int8', 256, 1, true, Int8Array),
  uint16: info('uint16', 512, 2, true, Uint16Array),
  int16: info('int16', 4, 2, true, Int16Array),
  uint32: info('uint32', 768, 4, true, Uint32Array),
  int32: info('int32', 8, 4, true, Int32Array),
  float32: info('float32', 16, 4, false, Float32Array),
  float64: info('float64', 64, 8, false, Float64Array),
};

const NAMES_BY_CODE: Record<number, string> = {
  1: 'binary (1 bit)',
  32: 'complex64',
  128: 'rgb24',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'rgba32',
};

// The datatype for a NIfTI datatype code, or undefined when this project does not support it.
export function dataTypeByCode(code: number): DataTypeInfo | undefined {
  return Object.values(DATATYPES).find((d) => d.code === code);
}

// A readable name for any NIfTI datatype code, supported or not (for error messages).
export function dataTypeCodeName(code: number): string {
  return dataTypeByCode(code)?.name ?? NAMES_BY_CODE[code] ?? `unknown code ${code}`;
}

// The supported datatype names, for hints.
export const DATATYPE_NAMES = Object.keys(DATATYPES) as DataTypeName[];
