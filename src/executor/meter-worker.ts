import { parentPort } from 'node:worker_threads';
import { readAllProcStats } from './proc-stat.js';
import { ProcessTree, type TreeUsage, emptyUsage } from './process-tree.js';

// The sampling loop of the cost meter, in a worker thread so that samples keep their pace
// while the orchestrator's main thread is busy (reading volumes, computing metrics).
// Messages in:  {type: 'start', id, root, intervalMs} | {type: 'stop', id, kill}
// Messages out: {type: 'stopped', id, usage, survivors}

export type MeterRequest =
  | { type: 'start'; id: number; root: number; intervalMs: number }
  | { type: 'stop'; id: number; kill: boolean };
export interface MeterReply {
  type: 'stopped';
  id: number;
  usage: TreeUsage;
  // Processes of the tree still alive after the job ended (killed when asked).
  survivors: number;
}

const trees = new Map<number, ProcessTree>();
let intervalMs = 50;
let timer: NodeJS.Timeout | undefined;
let lastFullAt = 0;
let lastFullCost = 0;

// A full pass over /proc finds new descendants; it costs ~15 us per process on the machine, so
// on a machine with thousands of processes it runs less often (at most ~5% of one core) while
// the known members are still re-read every interval.
function sample(): void {
  const now = performance.now();
  if (now - lastFullAt >= Math.max(intervalMs, 20 * lastFullCost)) {
    const all = readAllProcStats();
    lastFullCost = performance.now() - now;
    lastFullAt = now;
    for (const tree of trees.values()) tree.addFullSample(all);
  } else {
    for (const tree of trees.values()) tree.addMemberSample();
  }
}

function schedule(): void {
  if (timer === undefined && trees.size > 0) timer = setInterval(sample, intervalMs);
  if (timer !== undefined && trees.size === 0) {
    clearInterval(timer);
    timer = undefined;
  }
}

function killMembers(tree: ProcessTree): number {
  const live = tree.liveMembers();
  for (const m of live) {
    try {
      process.kill(m.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return live.length;
}

async function stop(id: number, kill: boolean): Promise<MeterReply> {
  const tree = trees.get(id);
  if (!tree) return { type: 'stopped', id, usage: emptyUsage, survivors: 0 };
  tree.addFullSample(readAllProcStats());
  const survivors = tree.liveMembers().length;
  if (kill) {
    // Wait (up to ~5 s) until every killed process has gone, so that nothing is left running.
    for (let i = 0; i < 100 && killMembers(tree) > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      tree.addFullSample(readAllProcStats());
    }
  }
  trees.delete(id);
  schedule();
  return { type: 'stopped', id, usage: tree.usage(), survivors };
}

parentPort?.on('message', (message: MeterRequest) => {
  if (message.type === 'start') {
    intervalMs = message.intervalMs;
    const tree = new ProcessTree(message.root);
    trees.set(message.id, tree);
    tree.addFullSample(readAllProcStats());
    schedule();
  } else {
    stop(message.id, message.kill).then(
      (reply) => parentPort?.postMessage(reply),
      () =>
        parentPort?.postMessage({
          type: 'stopped',
          id: message.id,
          usage: emptyUsage,
          survivors: 0,
        }),
    );
  }
});
