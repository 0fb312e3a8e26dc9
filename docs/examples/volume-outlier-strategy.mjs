// An example strategy module: `al-run --methods qs,./volume-outlier-strategy.mjs`.
// See docs/strategies.md. A strategy is the default export of a .js/.mjs module; it declares
// what it needs and how it scores. Higher score = better label quality; the experiment sends
// the LOWEST-scored cases to revision (AL) and keeps the highest (SSL).
//
// The heuristic: an organ whose pseudo-label volume is far from that organ's typical volume
// over the pool is suspect. Organ score = -|ln(volume / median volume over the pool)| (0 at the
// median, more negative the further off); an organ missing from a label scores -ln(pool size).
// Self-contained: it reads the NIfTI label maps with Node's own zlib.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const READERS = {
  2: (b, i) => b.readUInt8(i),
  4: (b, i) => b.readInt16LE(i * 2),
  8: (b, i) => b.readInt32LE(i * 4),
  16: (b, i) => b.readFloatLE(i * 4),
  512: (b, i) => b.readUInt16LE(i * 2),
};

// Voxels per label value of a NIfTI-1 label map (.nii or .nii.gz, little endian).
function labelCounts(path) {
  const raw = readFileSync(path);
  const bytes = path.endsWith('.gz') ? gunzipSync(raw) : raw;
  const read = READERS[bytes.readInt16LE(70)];
  if (!read) throw new Error(`${path}: NIfTI datatype ${bytes.readInt16LE(70)} is not read here`);
  const dims = [1, 2, 3].map((i) => Math.max(1, bytes.readInt16LE(40 + 2 * i)));
  const data = bytes.subarray(Math.round(bytes.readFloatLE(108)));
  const counts = new Map();
  for (let i = 0; i < dims[0] * dims[1] * dims[2]; i++) {
    const v = Math.round(read(data, i));
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export default {
  // The method's name in tables, job keys and folders (letters, digits, ".", "_", "-").
  name: 'volume-outlier',
  description: "minus how far each organ's volume is from its median over the pool (log ratio)",
  // Scores do not change with the seed: scored once and shared by every seed.
  randomized: false,
  // Nothing beyond the images and pseudo labels: no extra prediction pass, no ground truth.
  needs: {},
  // cases: [{ id, image, mask, probabilities?, mcSamples?, truth? }] (absolute paths);
  // context: { classes: { "1": "liver", ... }, seed, options, warn(message) }.
  async score(cases, context) {
    const counts = cases.map((c) => labelCounts(c.mask));
    const labels = Object.keys(context.classes).map(Number);
    const typical = new Map(
      labels.map((l) => [l, median(counts.map((m) => m.get(l) ?? 0).filter((n) => n > 0))]),
    );
    const missing = -Math.log(Math.max(2, cases.length));
    return cases.map((c, i) => ({
      caseId: c.id,
      organs: labels.map((l) => {
        const n = counts[i].get(l) ?? 0;
        const m = typical.get(l);
        const score = n === 0 || !m ? missing : 0 - Math.abs(Math.log(n / m));
        return { organ: context.classes[String(l)], score };
      }),
      // caseScore left out: the case score is the mean of its organ scores.
    }));
  },
};
