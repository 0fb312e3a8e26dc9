import { type ProcStat, readProcStat } from './proc-stat.js';

// One process seen in a job's tree, as of the last sample that saw it.
interface Member {
  pid: number;
  startTicks: number;
  ownCpu: number;
  childrenCpu: number;
  // The member that was its parent at its last sample, if that parent is in the tree.
  parentKey: string | undefined;
  lastTick: number;
  rssBytes: number;
  state: string;
}

// What the samples of one tree add up to.
export interface TreeUsage {
  peakRssBytes: number;
  // CPU of the whole tree as estimated from the samples alone.
  sampledCpuSeconds: number;
  // CPU of tree processes whose time does not reach the root's reaper through the kernel
  // (orphans re-parented out of the tree): added to the kernel's figure for the root.
  outsideRootCpuSeconds: number;
  samples: number;
}

// The usage of a tree that was never sampled.
export const emptyUsage: TreeUsage = {
  peakRssBytes: 0,
  sampledCpuSeconds: 0,
  outsideRootCpuSeconds: 0,
  samples: 0,
};

const keyOf = (s: { pid: number; startTicks: number }) => `${s.pid}:${s.startTicks}`;

// The live process tree of one job: the root, everything in its process group or session, and
// every descendant found through parent links. Fed by samples of /proc; a process is named by
// pid + start time so that a reused pid is never confused with a process that has exited.
export class ProcessTree {
  readonly root: number;
  private rootStart: number | undefined;
  private readonly members = new Map<string, Member>();
  private tick = 0;
  private peakRss = 0;
  private samples = 0;

  constructor(rootPid: number) {
    this.root = rootPid;
  }

  // A full sample: every process on the machine, from which members and new descendants are taken.
  addFullSample(all: readonly ProcStat[]): void {
    const present = new Map<string, ProcStat>();
    const byParent = new Map<number, ProcStat[]>();
    for (const s of all) {
      const siblings = byParent.get(s.ppid);
      if (siblings) siblings.push(s);
      else byParent.set(s.ppid, [s]);
      if (this.isSeed(s)) present.set(keyOf(s), s);
    }
    const queue = [...present.values()];
    for (let s = queue.pop(); s; s = queue.pop()) {
      for (const child of byParent.get(s.pid) ?? []) {
        const k = keyOf(child);
        if (present.has(k)) continue;
        present.set(k, child);
        queue.push(child);
      }
    }
    this.record(present);
  }

  // A quick sample: re-reads only the members alive at the previous sample.
  addMemberSample(): void {
    const present = new Map<string, ProcStat>();
    for (const [k, m] of this.members) {
      if (m.lastTick !== this.tick) continue;
      const s = readProcStat(m.pid);
      if (s && s.startTicks === m.startTicks) present.set(k, s);
    }
    this.record(present);
  }

  // The members alive at the last sample (zombies excluded): what is left to kill.
  liveMembers(): { pid: number; startTicks: number }[] {
    return [...this.members.values()]
      .filter((m) => m.lastTick === this.tick && m.state !== 'Z')
      .map((m) => ({ pid: m.pid, startTicks: m.startTicks }));
  }

  usage(): TreeUsage {
    const children = new Map<string, Member[]>();
    for (const m of this.members.values()) {
      if (m.parentKey === undefined) continue;
      const list = children.get(m.parentKey);
      if (list) list.push(m);
      else children.set(m.parentKey, [m]);
    }
    // A child that vanished before its parent's last sample was reaped by that parent, so its
    // time is already in the parent's childrenCpu; one still present then is added on top.
    const estimate = (m: Member): number => {
      let total = m.ownCpu + m.childrenCpu;
      for (const c of children.get(keyOf(m)) ?? []) {
        if (c.lastTick >= m.lastTick) total += estimate(c);
      }
      return total;
    };
    let sampled = 0;
    let outside = 0;
    for (const m of this.members.values()) {
      if (m.parentKey !== undefined) continue;
      const e = estimate(m);
      sampled += e;
      if (m.pid !== this.root || m.startTicks !== this.rootStart) outside += e;
    }
    return {
      peakRssBytes: this.peakRss,
      sampledCpuSeconds: sampled,
      outsideRootCpuSeconds: outside,
      samples: this.samples,
    };
  }

  private isSeed(s: ProcStat): boolean {
    if (this.members.has(keyOf(s))) return true;
    if (s.pid === this.root) return this.rootStart === undefined || s.startTicks === this.rootStart;
    return s.pgid === this.root || s.sid === this.root;
  }

  private record(present: Map<string, ProcStat>): void {
    this.tick += 1;
    this.samples += 1;
    const pidToKey = new Map<number, string>();
    for (const [k, s] of present) pidToKey.set(s.pid, k);
    let rss = 0;
    for (const [k, s] of present) {
      if (s.pid === this.root && this.rootStart === undefined) this.rootStart = s.startTicks;
      rss += s.rssBytes;
      this.members.set(k, {
        pid: s.pid,
        startTicks: s.startTicks,
        ownCpu: s.ownCpu,
        childrenCpu: s.childrenCpu,
        parentKey: pidToKey.get(s.ppid),
        lastTick: this.tick,
        rssBytes: s.rssBytes,
        state: s.state,
      });
    }
    this.peakRss = Math.max(this.peakRss, rss);
  }
}
