import { z } from 'zod';
import type { Forest, Tree } from './forest.js';

// A forest as checkpoint JSON: per tree, its arrays as base64 of little-endian bytes. A split's
// right child is always left + 1 (trees are grown that way), so only `left` is stored; leaf
// distributions are stored as bytes (probability x 255), which is well inside what a leaf's
// sample counts can tell apart.

export const ForestJson = z.object({
  classes: z.number().int().min(2).max(256),
  trees: z.array(
    z.object({
      nodes: z.number().int().positive(),
      feature: z.string(),
      threshold: z.string(),
      left: z.string(),
      probs: z.string(),
    }),
  ),
});
export type ForestJson = z.infer<typeof ForestJson>;

export function encodeForest(forest: Forest): ForestJson {
  return {
    classes: forest.classes,
    trees: forest.trees.map((tree) => ({
      nodes: tree.left.length,
      feature: Buffer.from(tree.feature).toString('base64'),
      threshold: bytesOf(tree.threshold),
      left: bytesOf(tree.left),
      probs: Buffer.from(leafBytes(tree, forest.classes)).toString('base64'),
    })),
  };
}

// The leaf distributions as bytes, in node order.
function leafBytes(tree: Tree, classes: number): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < tree.left.length; i++) {
    if (tree.left[i]! >= 0) continue;
    const at = tree.leaf[i]! * classes;
    for (let c = 0; c < classes; c++) out.push(Math.round(tree.probs[at + c]! * 255));
  }
  return Uint8Array.from(out);
}

// The forest of a checkpoint, or a message saying what is damaged.
export function decodeForest(json: ForestJson, features: number): Forest | string {
  const trees: Tree[] = [];
  for (const [t, stored] of json.trees.entries()) {
    const feature = Uint8Array.from(Buffer.from(stored.feature, 'base64'));
    const threshold = new Float32Array(copyBytes(stored.threshold, 4));
    const left = new Int32Array(copyBytes(stored.left, 4));
    const bytes = Buffer.from(stored.probs, 'base64');
    const n = stored.nodes;
    if (feature.length !== n || threshold.length !== n || left.length !== n)
      return `tree ${t} has arrays of the wrong length`;
    const right = new Int32Array(n);
    const leaf = new Int32Array(n).fill(-1);
    let leaves = 0;
    for (let i = 0; i < n; i++) {
      const l = left[i]!;
      if (l < 0) leaf[i] = leaves++;
      else if (l <= i || l + 1 >= n || feature[i]! >= features)
        return `tree ${t} has a bad split at node ${i}`;
      right[i] = l < 0 ? -1 : l + 1;
    }
    if (bytes.length !== leaves * json.classes) return `tree ${t} has ${bytes.length} leaf bytes`;
    const probs = new Float32Array(bytes.length);
    for (let p = 0; p < bytes.length; p += json.classes) {
      let sum = 0;
      for (let c = 0; c < json.classes; c++) sum += bytes[p + c]!;
      for (let c = 0; c < json.classes; c++) probs[p + c] = sum > 0 ? bytes[p + c]! / sum : 0;
    }
    trees.push({ feature, threshold, left, right, leaf, probs });
  }
  return { classes: json.classes, trees };
}

function bytesOf(values: Float32Array | Int32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

// The bytes of a base64 text in a fresh buffer aligned for typed arrays of `size` bytes.
function copyBytes(text: string, size: number): ArrayBuffer {
  const bytes = Buffer.from(text, 'base64');
  const out = new ArrayBuffer(Math.floor(bytes.length / size) * size);
  new Uint8Array(out).set(bytes.subarray(0, out.byteLength));
  return out;
}
