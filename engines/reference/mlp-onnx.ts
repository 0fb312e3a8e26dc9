import * as ort from 'onnxruntime-node';
import type { DenseLayer, Mlp } from './mlp.js';

// The engine's hidden layers as an ONNX model, so that prediction runs them through ONNX
// Runtime's CPU kernels (18-19x the JavaScript kernel here: npm run bench:reference-hidden)
// while training stays in JavaScript. Written with a few lines of protobuf rather than a
// dependency: the graph is x [n, in] -> (MatMul W^T, Add b, Relu) per layer -> h [n, out], opset 17.

// ONNX's TensorProto.DataType FLOAT.
const FLOAT = 1;

// The ModelProto bytes of `layers` (each applied with a ReLU), input "x", output "h".
export function hiddenLayersOnnx(layers: readonly DenseLayer[]): Uint8Array {
  if (layers.length === 0) throw new Error('hiddenLayersOnnx: no layers');
  const nodes: Uint8Array[] = [];
  const initializers: Uint8Array[] = [];
  let current = 'x';
  layers.forEach((layer, l) => {
    const { inSize: n, outSize: m, weights, biases } = layer;
    // MatMul takes [in][out]; the checkpoint stores [out][in].
    const transposed = new Float32Array(n * m);
    for (let o = 0; o < m; o++)
      for (let i = 0; i < n; i++) transposed[i * m + o] = weights[o * n + i]!;
    initializers.push(tensor(`w${l}`, [n, m], transposed), tensor(`b${l}`, [m], biases));
    const output = l === layers.length - 1 ? 'h' : `r${l}`;
    nodes.push(
      node('MatMul', [current, `w${l}`], [`m${l}`]),
      node('Add', [`m${l}`, `b${l}`], [`a${l}`]),
      node('Relu', [`a${l}`], [output]),
    );
    current = output;
  });
  const graph = concat([
    ...nodes.map((n) => field(1, n)),
    field(2, text('reference-engine-hidden')),
    ...initializers.map((t) => field(5, t)),
    field(11, valueInfo('x', layers[0]!.inSize)),
    field(12, valueInfo('h', layers.at(-1)!.outSize)),
  ]);
  const opset = concat([field(1, text('')), varintField(2, 17)]);
  return concat([varintField(1, 8), field(2, text('sentinel')), field(7, graph), field(8, opset)]);
}

function node(op: string, inputs: string[], outputs: string[]): Uint8Array {
  return concat([
    ...inputs.map((name) => field(1, text(name))),
    ...outputs.map((name) => field(2, text(name))),
    field(4, text(op)),
  ]);
}

function tensor(name: string, dims: number[], values: Float32Array): Uint8Array {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return concat([
    ...dims.map((d) => varintField(1, d)),
    varintField(2, FLOAT),
    field(8, text(name)),
    field(9, raw),
  ]);
}

// A float tensor of shape [n, width] with n symbolic.
function valueInfo(name: string, width: number): Uint8Array {
  const shape = concat([field(1, field(2, text('n'))), field(1, varintField(1, width))]);
  const tensorType = concat([varintField(1, FLOAT), field(2, shape)]);
  return concat([field(1, text(name)), field(2, field(1, tensorType))]);
}

// Protobuf wire format: varints and length-delimited fields are all this model needs.
function varint(value: number): Uint8Array {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Uint8Array.from(bytes);
}

function varintField(number: number, value: number): Uint8Array {
  return concat([varint(number << 3), varint(value)]);
}

function field(number: number, payload: Uint8Array): Uint8Array {
  return concat([varint((number << 3) | 2), varint(payload.length), payload]);
}

function text(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// Runs the hidden layers of `mlp` (all but the output layer) on rows of features.
export type HiddenNetwork = (rows: Float32Array, n: number) => Promise<Float32Array>;

// An ONNX Runtime session of `mlp`'s hidden layers on `threads` CPU threads.
export async function openHiddenNetwork(mlp: Mlp, threads: number): Promise<HiddenNetwork> {
  const hidden = mlp.layers.slice(0, -1);
  const inSize = hidden[0]!.inSize;
  const session = await ort.InferenceSession.create(hiddenLayersOnnx(hidden), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  return async (rows, n) => {
    if (n === 0) return new Float32Array(0);
    const x = new ort.Tensor('float32', rows.subarray(0, n * inSize), [n, inSize]);
    const { h } = await session.run({ x });
    return h!.data as Float32Array;
  };
}
