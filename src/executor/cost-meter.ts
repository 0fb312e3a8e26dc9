import { Worker } from 'node:worker_threads';
import { type DiskSnapshot, bytesWritten, snapshotFiles } from './files-written.js';
import type { MeterReply, MeterRequest } from './meter-worker.js';
import { procAvailable, readProcStat } from './proc-stat.js';
import { emptyUsage } from './process-tree.js';

// What one job cost, measured on its whole process tree.
export interface JobCost {
  wallSeconds: number;
  // user + sys of every process of the tree; null where /proc is missing (not Linux).
  cpuSeconds: number | null;
  // Highest sum of resident memory over the processes alive at the same sample; null without /proc.
  peakRssBytes: number | null;
  // Bytes of the files the job created or rewrote under its output paths.
  diskBytes: number;
  // Where cpuSeconds came from (see below).
  cpuSource: 'kernel' | 'sampled' | 'none';
}

// How the meter measures (Linux):
//
// Peak memory is SAMPLED. A worker thread reads /proc/<pid>/stat of every process of the job's
// tree every `intervalMs` (50 ms by default) and sums their resident set sizes; the peak is the
// highest sum. The tree is the child (which leads its own process group and session), every
// process in that group or session, and every descendant found through parent pids, each named
// by pid + start time. Sampling is the right way for engines that fork workers (data loaders,
// multiprocessing pools): the kernel's rusage of reaped children (ru_maxrss) gives only the
// largest SINGLE process, never the sum of workers alive at the same time, which is what the
// machine must actually hold. Limits, honestly: a spike shorter than the interval can be missed;
// pages shared between processes (copy-on-write after fork, shared libraries) are counted once
// per process, so a forking engine's figure is an upper bound of its real footprint (what
// `ps`/`top` would sum); new descendants are found by a full pass over /proc, which on a machine
// with thousands of processes runs less often than every interval (see meter-worker.ts).
//
// CPU time: when no other job of this process ran during the job, it is EXACT from the kernel:
// the growth of this process's cutime + cstime (/proc/self/stat) across the job, which is the
// child's own time plus that of every descendant it (transitively) reaped, short-lived ones
// included; plus the sampled time of tree processes that escaped the root's accounting
// (orphans re-parented to init). When jobs overlap, the kernel's figure cannot be attributed, and
// the time is estimated from the samples: each process's last-seen utime + stime + its reaped
// children's time; this misses at most the last interval of each process that is not reaped
// inside the tree.
//
// Disk: the total size of the files under the job's output paths that the job created or
// rewrote (compared by inode, size and mtime with a listing taken before it started). Without /proc (macOS), only wall time and disk are measured.

let worker: Worker | undefined;
let nextId = 1;
let pending = 0;
const waiters = new Map<number, (reply: MeterReply) => void>();
const running = new Set<CostMeter>();

function meterWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./meter-worker.js', import.meta.url));
    worker.on('message', (reply: MeterReply) => {
      waiters.get(reply.id)?.(reply);
      waiters.delete(reply.id);
    });
    // A crashed sampler must not hang the jobs waiting on it: they get no samples instead.
    worker.on('error', () => {
      for (const [id, resolve] of waiters)
        resolve({ type: 'stopped', id, usage: emptyUsage, survivors: 0 });
      waiters.clear();
      worker = undefined;
    });
    worker.unref();
  }
  return worker;
}

function send(message: MeterRequest): void {
  meterWorker().postMessage(message);
}

// Measures one job: begin() before the process starts, attach() once it has a pid, end() after
// it has exited (end also kills whatever of the tree is still alive).
export class CostMeter {
  private readonly id = nextId++;
  private attached = false;
  private shared = false;
  private endCpu: number | undefined;
  private endedAt: number | undefined;

  private constructor(
    private readonly outputs: readonly string[],
    private readonly diskBefore: DiskSnapshot,
    private readonly startedAt: number,
    private readonly selfChildrenCpuBefore: number | undefined,
    private readonly intervalMs: number,
  ) {}

  // Starts measuring: records the output paths' size and the clock.
  static async begin(outputs: readonly string[], intervalMs = 50): Promise<CostMeter> {
    const disk = await snapshotFiles(outputs);
    const meter = new CostMeter(
      outputs,
      disk,
      performance.now(),
      readProcStat('self')?.childrenCpu,
      intervalMs,
    );
    if (running.size > 0) {
      meter.shared = true;
      for (const other of running) other.shared = true;
    }
    running.add(meter);
    return meter;
  }

  // Starts sampling the tree rooted at `pid`.
  attach(pid: number): void {
    if (!procAvailable || this.attached) return;
    this.attached = true;
    send({ type: 'start', id: this.id, root: pid, intervalMs: this.intervalMs });
  }

  // Called right when the root process has been reaped: freezes the kernel's CPU figure.
  rootExited(): void {
    this.endCpu ??= readProcStat('self')?.childrenCpu;
    this.endedAt ??= performance.now();
  }

  // Stops measuring; kills the tree's remaining processes when `kill` is true (the default).
  async end(kill = true): Promise<JobCost> {
    this.rootExited();
    const wallSeconds = ((this.endedAt ?? performance.now()) - this.startedAt) / 1000;
    running.delete(this);
    let reply: MeterReply | undefined;
    if (this.attached) {
      pending += 1;
      meterWorker().ref();
      reply = await new Promise<MeterReply>((resolve) => {
        waiters.set(this.id, resolve);
        send({ type: 'stop', id: this.id, kill });
      });
      pending -= 1;
      if (pending === 0) worker?.unref();
    }
    const diskBytes = await bytesWritten(this.diskBefore, this.outputs);
    if (!reply)
      return {
        wallSeconds: round(wallSeconds),
        cpuSeconds: null,
        peakRssBytes: null,
        diskBytes,
        cpuSource: 'none',
      };
    const { usage } = reply;
    const kernel =
      !this.shared && this.selfChildrenCpuBefore !== undefined && this.endCpu !== undefined
        ? this.endCpu - this.selfChildrenCpuBefore + usage.outsideRootCpuSeconds
        : undefined;
    return {
      wallSeconds: round(wallSeconds),
      cpuSeconds: round(kernel ?? usage.sampledCpuSeconds),
      // 0 would claim a measurement: a job that ended before the first sample has none.
      peakRssBytes: usage.peakRssBytes > 0 ? usage.peakRssBytes : null,
      diskBytes,
      cpuSource: kernel === undefined ? 'sampled' : 'kernel',
    };
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
