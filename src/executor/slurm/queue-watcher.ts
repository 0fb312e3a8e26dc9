import { listQueuedJobs } from './slurm-cli.js';

// Waits for Slurm jobs to leave the queue, with ONE squeue call per poll for all of them.
export class QueueWatcher {
  private readonly waiters = new Map<string, (() => void)[]>();
  private timer: NodeJS.Timeout | undefined;
  private hurried = false;
  private failures = 0;
  private closed = false;

  constructor(private readonly pollSeconds: number) {}

  // Resolves once job `id` (with all its array tasks) is neither queued nor running.
  waitGone(id: string): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]);
      this.schedule();
    });
  }

  // Polls soon and often (after a cancel, the jobs leave within a second or two).
  hurry(): void {
    this.hurried = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.schedule();
  }

  // Stops polling; whoever still waits is released.
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const resolvers of this.waiters.values()) for (const resolve of resolvers) resolve();
    this.waiters.clear();
  }

  private schedule(): void {
    if (this.timer || this.closed || this.waiters.size === 0) return;
    const seconds = this.hurried ? Math.min(this.pollSeconds, 0.5) : this.pollSeconds;
    this.timer = setTimeout(() => void this.poll(), seconds * 1000);
  }

  private async poll(): Promise<void> {
    // Only the jobs waited for before squeue was asked: a job submitted while it runs is not in
    // its answer, yet not gone (judged by that answer, it was released before it ever ran).
    const asked = new Set(this.waiters.keys());
    let queued: Set<string> | undefined;
    try {
      queued = await listQueuedJobs();
      this.failures = 0;
    } catch (error) {
      // The controller may be restarting: keep waiting (the jobs may well be running), say so.
      this.failures += 1;
      if (this.failures % 10 === 1)
        process.stderr.write(`slurm: ${(error as Error).message}; still waiting\n`);
    }
    this.timer = undefined;
    if (queued) {
      for (const [id, resolvers] of this.waiters) {
        if (queued.has(id) || !asked.has(id)) continue;
        this.waiters.delete(id);
        for (const resolve of resolvers) resolve();
      }
    }
    if (this.waiters.size === 0) this.hurried = false;
    this.schedule();
  }
}
