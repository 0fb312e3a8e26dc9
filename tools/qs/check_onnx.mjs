// Runs a QS ONNX model with onnxruntime-node on raw float32 inputs, for the exporter's self-check.
// Usage: node check_onnx.mjs MODEL.onnx IMAGE.f32 EMBEDDING.f32 N S E OUT.f32
import { readFileSync, writeFileSync } from 'node:fs';
import ort from 'onnxruntime-node';

const [model, imagePath, embeddingPath, n, s, e, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node check_onnx.mjs MODEL.onnx IMAGE.f32 EMBEDDING.f32 N S E OUT.f32');
  process.exit(2);
}
const [batch, size, width] = [Number(n), Number(s), Number(e)];
const readFloats = (path) => {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};
const session = await ort.InferenceSession.create(model);
const result = await session.run({
  image: new ort.Tensor('float32', readFloats(imagePath), [batch, 2, size, size]),
  embedding: new ort.Tensor('float32', readFloats(embeddingPath), [batch, width]),
});
const dice = result.dice;
if (!dice || dice.dims.length !== 2 || dice.dims[0] !== batch || dice.dims[1] !== 1) {
  console.error(`unexpected output: ${JSON.stringify(dice?.dims)}`);
  process.exit(1);
}
writeFileSync(outPath, Buffer.from(dice.data.buffer, dice.data.byteOffset, dice.data.byteLength));
