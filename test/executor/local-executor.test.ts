import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Job, JobOutcome } from '../../src/executor/job.js';
import { openJobQueue, runJobs } from '../../src/executor/local-executor.js';
import { formatDuration } from '../../src/executor/progress-reporter.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Jobs that record how many of their kind ran at the same time.
function countingJobs(kind: string, n: number, peak: { now: number; max: number }): Job<number>[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `${kind}-${i}`,
    kind,
    label: `${kind} ${i}`,
    async run() {
      peak.now += 1;
      peak.max = Math.max(peak.max, peak.now);
      await tick(20);
      peak.now -= 1;
      return { ok: true, value: i };
    },
  }));
}

// A progress stream that keeps what is written.
function sink(tty = false) {
  const out = {
    text: '',
    isTTY: tty,
    columns: 120,
    write(t: string) {
      out.text += t;
    },
  };
  return out;
}

test('engine jobs run one at a time by default, other kinds in parallel up to their limit', async () => {
  const engine = { now: 0, max: 0 };
  const score = { now: 0, max: 0 };
  const jobs = [...countingJobs('engine', 4, engine), ...countingJobs('score', 6, score)];
  const records = await runJobs(jobs, {
    concurrency: { score: 3 },
    maxParallel: 8,
    progress: 'none',
  });
  assert.equal(engine.max, 1);
  assert.equal(score.max, 3);
  assert.deepEqual(
    records.map((r) => r.key),
    jobs.map((j) => j.key),
    'records in the order given',
  );
  assert.ok(records.every((r) => r.outcome.ok && r.attempts === 1));
});

test('the engine limit is configurable', async () => {
  const engine = { now: 0, max: 0 };
  await runJobs(countingJobs('engine', 4, engine), {
    concurrency: { engine: 2 },
    progress: 'none',
  });
  assert.equal(engine.max, 2);
});

test('failed jobs are retried per policy, only for the listed reasons', async () => {
  const calls: Record<string, number> = { flaky: 0, broken: 0 };
  const failing = (key: string, reason: string, succeedAt: number): Job => ({
    key,
    kind: 'engine',
    label: key,
    async run({ attempt }) {
      calls[key] = attempt;
      return attempt >= succeedAt
        ? { ok: true }
        : { ok: false, reason, message: `attempt ${attempt} failed` };
    },
  });
  const out = sink();
  const records = await runJobs([failing('flaky', 'signal', 3), failing('broken', 'exit', 99)], {
    retry: { maxAttempts: 3, retryOn: ['signal', 'timeout'] },
    progress: 'lines',
    progressStream: out,
  });
  assert.equal(records[0]!.outcome.ok, true);
  assert.equal(records[0]!.attempts, 3);
  assert.equal(records[1]!.outcome.ok, false);
  assert.equal(records[1]!.attempts, 1, 'an exit is not in retryOn');
  assert.match(out.text, /retrying flaky \(attempt 2\) after: signal: attempt 1 failed/);
  assert.match(out.text, /\[2\/2\] FAILED broken: exit: attempt 1 failed/);
  assert.match(out.text, /\[1\/2\] done flaky/);
});

test('onJobDone is called as each job finishes; a thrown bug is a failed job, not a crash', async () => {
  const done: string[] = [];
  const jobs: Job[] = [
    {
      key: 'slow',
      kind: 'score',
      label: 'slow',
      run: async () => {
        await tick(60);
        return { ok: true };
      },
    },
    { key: 'fast', kind: 'score', label: 'fast', run: async () => ({ ok: true }) },
    {
      key: 'bug',
      kind: 'score',
      label: 'bug',
      run: async (): Promise<JobOutcome> => {
        throw new TypeError('x is undefined');
      },
    },
  ];
  const records = await runJobs(jobs, {
    progress: 'none',
    onJobDone: (r) => void done.push(r.key),
  });
  assert.equal(done.at(-1), 'slow');
  assert.deepEqual([...done].sort(), ['bug', 'fast', 'slow']);
  const bug = records[2]!.outcome;
  assert.ok(!bug.ok && bug.reason === 'error' && /TypeError: x is undefined/.test(bug.message));
});

test('cancelling through the signal stops running jobs and rejects with a user error', async () => {
  const controller = new AbortController();
  const seen: string[] = [];
  const jobs: Job[] = Array.from({ length: 3 }, (_, i) => ({
    key: `j${i}`,
    kind: 'engine',
    label: `j${i}`,
    run: ({ signal }) =>
      new Promise((resolve) => {
        seen.push(`j${i}`);
        signal.addEventListener('abort', () =>
          resolve({ ok: false, reason: 'cancelled', message: 'cancelled' }),
        );
      }),
  }));
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(
    runJobs(jobs, { progress: 'none', signal: controller.signal, resumeHint: 'run it again' }),
    (error: Error & { exitCode?: number; hint?: string }) => {
      assert.equal(error.name, 'UserError');
      assert.match(error.message, /cancelled: 3 job\(s\) not finished/);
      assert.equal(error.hint, 'run it again');
      return true;
    },
  );
  assert.deepEqual(seen, ['j0'], 'nothing started after the cancel');
});

test('on a terminal the progress is a bar with counts and an ETA', async () => {
  const out = sink(true);
  await runJobs(countingJobs('engine', 3, { now: 0, max: 0 }), {
    progress: 'auto',
    progressStream: out,
    title: 'predict',
  });
  assert.match(out.text, /predict \[#{20}\] 3\/3 \| 0 running \| ETA 0s/);
  assert.match(out.text, /\[\.{20}\] 0\/3 \| 0 running \| ETA \?/);
});

test('durations read as people write them', () => {
  assert.equal(formatDuration(12), '12s');
  assert.equal(formatDuration(75), '1m15s');
  assert.equal(formatDuration(3700), '1h01m');
});

test('a job queue runs jobs submitted as earlier ones finish, under one set of limits', async () => {
  const engine = { now: 0, max: 0 };
  const queue = openJobQueue<number>({ concurrency: { engine: 2 }, progress: 'none' });
  const [first, second, third] = countingJobs('engine', 3, engine);
  // A chain: the second job is only submitted once the first has finished.
  const chain = queue.submit(first!).then((record) => {
    assert.ok(record.outcome.ok);
    return queue.submit(second!);
  });
  const alone = queue.submit(third!);
  await queue.close();
  assert.equal((await chain).key, 'engine-1', 'close waited for the job submitted late');
  assert.equal((await alone).key, 'engine-2');
  assert.equal(engine.max, 2);
});

test('a stopped job queue rejects what has not finished with the interrupt error', async () => {
  const controller = new AbortController();
  const queue = openJobQueue({ progress: 'none', signal: controller.signal });
  const hang: Job = {
    key: 'hang',
    kind: 'engine',
    label: 'hang',
    run: ({ signal }) =>
      new Promise((resolve) =>
        signal.addEventListener('abort', () =>
          resolve({ ok: false, reason: 'cancelled', message: 'cancelled' }),
        ),
      ),
  };
  const waiting = { ...hang, key: 'waiting', label: 'waiting' };
  const running = queue.submit(hang);
  const queued = queue.submit(waiting);
  setTimeout(() => controller.abort(), 20);
  await assert.rejects(queue.close(), /cancelled: 2 job\(s\) not finished/);
  await assert.rejects(running, /cancelled/);
  await assert.rejects(queued, /cancelled/);
  await assert.rejects(queue.submit({ ...hang, key: 'late' }), /cancelled/);
});
