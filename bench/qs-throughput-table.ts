import path from 'node:path';

// The tables bench:qs-throughput prints: one per wall second, one per CPU second.

// Seconds of one measured run.
export interface Timing {
  wall: number;
  cpu: number;
}

// What one bundle is run on, and the weights the torch side uses.
export interface Setup {
  name: string;
  dir: string;
  organs: Set<string> | undefined;
  // Times the case is read per run (a small model's case takes milliseconds).
  repeat: number;
  checkpoint: string;
  // Whether torch runs the weights of model.onnx (then the scores are compared).
  sameWeights: boolean;
}

// The measurements of one bundle: each side on one thread (one session of ONNX Runtime's
// default threads) and on `workers` threads (one single-threaded session each).
export interface Row {
  setup: Setup;
  slices: number;
  workers: number;
  whole: Timing;
  wholeWorkers: Timing;
  // W threads preprocessing and scoring cases decoded beforehand (no NIfTI decoding).
  decodedPool: Timing;
  bare: Timing;
  barePool: Timing;
  torch: { timing: Timing; threads: number } | null;
  // Max |TS - torch| per organ score: absolute, and relative to max(1, |torch score|).
  diff: { absolute: number; relative: number } | null;
}

export function printRows(rows: Row[]): void {
  const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(1));
  for (const unit of ['wall', 'cpu'] as const) {
    console.log(`\nslices per ${unit === 'wall' ? 'wall' : 'CPU'} second:\n`);
    console.log(
      '| bundle | slices | whole, 1 thread | whole, W workers | no decoding, W threads | bare ONNX, 1 thread | bare ONNX, W threads | torch reference | whole / torch | whole / bare ONNX | no decoding / bare ONNX |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of rows) {
      const rate = (t: Timing) => r.slices / t[unit];
      const whole = Math.max(rate(r.whole), rate(r.wholeWorkers));
      const bare = Math.max(rate(r.bare), rate(r.barePool));
      const torch = r.torch === null ? null : rate(r.torch.timing);
      const vsTorch = torch === null ? 'n/a' : `${(whole / torch).toFixed(2)}x`;
      const percent = (v: number) => `${((100 * v) / bare).toFixed(0)}%`;
      console.log(
        `| ${r.setup.name} | ${r.slices} | ${f(rate(r.whole))} | ${f(rate(r.wholeWorkers))} (W=${r.workers}) | ${f(rate(r.decodedPool))} | ${f(rate(r.bare))} | ${f(rate(r.barePool))} | ${f(torch)} | ${vsTorch} | ${percent(whole)} | ${percent(rate(r.decodedPool))} |`,
      );
    }
  }
  console.log('\n(whole / torch and whole / bare ONNX take the faster way of each side;');
  console.log(" 'no decoding' is the whole path's W threads with the volumes decoded beforehand)");
  console.log(
    '\ntorch weights; max |TS - torch| per organ score (absolute; relative to max(1, |score|)):',
  );
  for (const r of rows) {
    const weights = r.setup.sameWeights
      ? `the weights of model.onnx (${path.basename(r.setup.checkpoint)})`
      : "seeded random weights of the same architecture; ONNX runs the bundle's model.onnx, so the scores differ by design";
    const threadsNote = r.torch === null ? '' : `, torch threads ${r.torch.threads}`;
    console.log(
      `  ${r.setup.name}: ${weights}${threadsNote}; ${r.diff ? `${r.diff.absolute.toExponential(1)}; ${r.diff.relative.toExponential(1)}` : 'n/a'}`,
    );
  }
  console.log('\ntargets: whole / torch >= 2x, whole / bare ONNX >= 85%');
}
