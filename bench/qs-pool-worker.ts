import { parentPort, workerData } from 'node:worker_threads';
import { loadBundle } from '../src/qs/bundle.js';
import { type QsCaseFiles, openCaseFiles } from '../src/qs/case-sources.js';
import { SliceWorkspace } from '../src/qs/preprocess.js';
import { scoreAllCases } from '../src/qs/score-cases.js';
import { openQsSession } from '../src/qs/session.js';
import { type QsCaseSource, type SliceBatch, buildSliceBatches } from '../src/qs/slice-batches.js';

// One thread of a bench:qs-throughput pool, with its own single-threaded session. Before the
// clock it makes its share of the work; on "go" it runs that share and posts the number of
// slices it ran.
// - bare: the batches of all cases are built (share: batch i where i % of === id); a run is
//   session.run on each of its batches.
// - decoded: its cases (case i where i % of === id) are read into memory, every mask the
//   bundle scores included; a run preprocesses and scores them (the whole path without NIfTI
//   decoding).

interface PoolWorkerData {
  mode: 'bare' | 'decoded';
  bundleDir: string;
  cases: QsCaseFiles[];
  batchSize: number;
  id: number;
  of: number;
}

const port = parentPort;
if (port === null) throw new Error('qs-pool-worker.js runs only as a worker thread');
const { mode, bundleDir, cases, batchSize, id, of } = workerData as PoolWorkerData;
const bundle = await loadBundle(bundleDir);
const session = await openQsSession(bundle, { threads: 1 });

// A case with the masks of the organs the bundle scores already read (each its own memory).
async function decodedCase(files: QsCaseFiles): Promise<QsCaseSource> {
  const source = await openCaseFiles(files);
  const organs = [];
  for (const organ of source.organs) {
    const { mask } = organ;
    const scored = bundle.resolveOrgan(organ.name) !== undefined;
    if (!scored || typeof mask !== 'function') organs.push(organ);
    else {
      const { data, label } = await mask(); // a case's masks share memory: copy each
      organs.push({
        ...organ,
        mask: { data: data.slice(), ...(label === undefined ? {} : { label }) },
      });
    }
  }
  return { ...source, organs };
}

let run: () => Promise<number>;
if (mode === 'bare') {
  const mine: SliceBatch[] = [];
  let index = 0;
  const sources = (async function* () {
    for (const c of cases) yield await openCaseFiles(c);
  })();
  for await (const e of buildSliceBatches(bundle, sources, { batchSize, reuseBuffers: false })) {
    if (e.kind === 'batch' && index++ % of === id) mine.push(e.batch);
  }
  run = async () => {
    for (const b of mine) await session.run(b.images, b.embeddings, b.count);
    return mine.reduce((n, b) => n + b.count, 0);
  };
} else {
  const mine: QsCaseSource[] = [];
  for (const [i, c] of cases.entries()) if (i % of === id) mine.push(await decodedCase(c));
  const workspace = new SliceWorkspace();
  run = async () => {
    const scores = await scoreAllCases(bundle, session, mine, { batchSize, workspace });
    return scores.reduce((n, c) => n + c.organs.reduce((m, o) => m + o.slices, 0), 0);
  };
}
await run(); // warm-up
port.on('message', async (message: 'go' | 'stop') => {
  if (message === 'stop') {
    await session.dispose();
    port.close();
    return;
  }
  port.postMessage(await run());
});
port.postMessage('ready');
