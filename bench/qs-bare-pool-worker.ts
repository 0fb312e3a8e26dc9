import { parentPort, workerData } from 'node:worker_threads';
import { loadBundle } from '../src/qs/bundle.js';
import { type QsCaseFiles, openCaseFiles } from '../src/qs/case-sources.js';
import { openQsSession } from '../src/qs/session.js';
import { type SliceBatch, buildSliceBatches } from '../src/qs/slice-batches.js';

// One thread of bench:qs-throughput's bare ONNX pool: builds the batches of all cases (not
// timed), then on "go" runs its share of them (batch i where i % of === id) through its own
// single-threaded session, and says "done".

interface PoolWorkerData {
  bundleDir: string;
  cases: QsCaseFiles[];
  batchSize: number;
  id: number;
  of: number;
}

const port = parentPort;
if (port === null) throw new Error('qs-bare-pool-worker.js runs only as a worker thread');
const { bundleDir, cases, batchSize, id, of } = workerData as PoolWorkerData;
const bundle = await loadBundle(bundleDir);
const session = await openQsSession(bundle, { threads: 1 });
const mine: SliceBatch[] = [];
let index = 0;
const sources = (async function* () {
  for (const c of cases) yield await openCaseFiles(c);
})();
for await (const e of buildSliceBatches(bundle, sources, { batchSize, reuseBuffers: false })) {
  if (e.kind === 'batch' && index++ % of === id) mine.push(e.batch);
}
const first = mine[0];
if (first) await session.run(first.images, first.embeddings, first.count); // warm-up
port.on('message', async (message: 'go' | 'stop') => {
  if (message === 'stop') {
    await session.dispose();
    port.close();
    return;
  }
  for (const b of mine) await session.run(b.images, b.embeddings, b.count);
  port.postMessage('done');
});
port.postMessage('ready');
