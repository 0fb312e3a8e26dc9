import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { CostMeter, type JobCost } from './cost-meter.js';
import { readLogTail } from './log-tail.js';
import { forgetGroup, recordGroup } from './orphan-groups.js';
import { interruptSignal, killProcessGroup, trackProcessGroup } from './process-groups.js';

// How a subprocess can fail.
export type ProcessFailureReason = 'exit' | 'signal' | 'timeout' | 'spawn' | 'cancelled';

// What runProcess returns: never throws for anything the subprocess does.
export type ProcessResult =
  | { ok: true; cost: JobCost; logPath: string }
  | {
      ok: false;
      reason: ProcessFailureReason;
      exitCode?: number;
      signal?: string;
      message: string;
      logTail: string;
      cost: JobCost;
      logPath: string;
    };

// One subprocess to run.
export interface RunProcessOptions {
  // [program, ...arguments], already expanded (see expandArgv); never given to a shell.
  argv: readonly string[];
  // stdout and stderr of the whole tree go here (appended), after a header line.
  logPath: string;
  cwd?: string;
  // Added to (and overriding) this process's environment.
  env?: Readonly<Record<string, string>>;
  // Stopped (SIGTERM, then SIGKILL after the grace) when it runs longer; none when unset.
  timeoutSeconds?: number;
  // Aborting it stops the process the same way; so does SIGINT/SIGTERM of this process.
  signal?: AbortSignal;
  // Files or folders the job writes: their growth is the cost's diskBytes.
  outputs?: readonly string[];
  // Seconds between SIGTERM and SIGKILL when stopping (default 3).
  killGraceSeconds?: number;
  // Cost meter sampling interval (default 50 ms).
  sampleIntervalMs?: number;
}

// THE subprocess runner: every subprocess of the project goes through it. The child leads its
// own process group (spawned detached), so stopping it stops every process it started; when it
// ends, whatever of its tree is still alive is killed. Its cost is measured (cost-meter.ts).
// While it runs, its group is recorded beside the log (orphan-groups.ts), so that a run started
// after this orchestrator was killed can stop it.
export async function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const { argv, logPath } = options;
  const graceMs = (options.killGraceSeconds ?? 3) * 1000;
  mkdirSync(dirname(logPath), { recursive: true });
  const log = openSync(logPath, 'a');
  writeSync(log, `# ${new Date().toISOString()} $ ${argv.map(quoteForLog).join(' ')}\n`);
  const meter = await CostMeter.begin(options.outputs ?? [], options.sampleIntervalMs);
  const finish = async (
    failure?: Omit<Extract<ProcessResult, { ok: false }>, 'ok' | 'cost' | 'logPath' | 'logTail'>,
  ) => {
    const cost = await meter.end(true);
    writeSync(
      log,
      `# ${failure ? failure.message : 'finished'} (${cost.wallSeconds.toFixed(1)} s)\n`,
    );
    closeSync(log);
    if (!failure) return { ok: true as const, cost, logPath };
    return { ok: false as const, ...failure, logTail: readLogTail(logPath), cost, logPath };
  };

  const signals = [interruptSignal(), ...(options.signal ? [options.signal] : [])];
  if (signals.some((s) => s.aborted))
    return finish({ reason: 'cancelled', message: 'cancelled before it started' });
  const program = argv[0];
  if (program === undefined)
    return finish({ reason: 'spawn', message: 'could not start: empty command' });

  // execa's types list only fds 3..9, but any open fd is handed to the child as is: the child
  // writes straight into the log, without passing through this process.
  const logFd = log as 3;
  const subprocess = execa(program, argv.slice(1), {
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    stdin: 'ignore',
    stdout: logFd,
    stderr: logFd,
    detached: true,
    cleanup: false,
    reject: false,
  });
  const pid = subprocess.pid;
  const forget = pid === undefined ? () => {} : trackProcessGroup(pid);
  if (pid !== undefined) {
    meter.attach(pid);
    recordGroup(logPath, pid);
  }

  let stopped: { reason: 'timeout' | 'cancelled'; detail: string } | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (reason: 'timeout' | 'cancelled', detail: string) => {
    if (stopped || pid === undefined) return;
    stopped = { reason, detail };
    killProcessGroup(pid, 'SIGTERM');
    killTimer = setTimeout(() => killProcessGroup(pid, 'SIGKILL'), graceMs);
  };
  const timeoutMs =
    options.timeoutSeconds === undefined ? undefined : options.timeoutSeconds * 1000;
  const timeoutTimer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => stop('timeout', `timed out after ${options.timeoutSeconds} s`), timeoutMs);
  const onAbort = (event: Event) => {
    const reason = (event.target as AbortSignal).reason;
    stop('cancelled', `cancelled${typeof reason === 'string' ? ` (${reason})` : ''}`);
  };
  for (const s of signals) s.addEventListener('abort', onAbort);

  const result = await subprocess;
  meter.rootExited();
  clearTimeout(timeoutTimer);
  clearTimeout(killTimer);
  for (const s of signals) s.removeEventListener('abort', onAbort);
  if (pid !== undefined) killProcessGroup(pid, 'SIGKILL');
  forget();
  forgetGroup(logPath);

  if (stopped) return finish({ reason: stopped.reason, message: stopped.detail });
  if (pid === undefined || (result.exitCode === undefined && result.signal === undefined)) {
    const { cause } = result as { cause?: unknown };
    const detail = cause instanceof Error ? cause.message : String(cause ?? 'unknown error');
    return finish({ reason: 'spawn', message: `could not start ${program}: ${detail}` });
  }
  if (result.signal) {
    return finish({
      reason: 'signal',
      signal: result.signal,
      message: `killed by ${result.signal}`,
    });
  }
  if (result.exitCode !== 0) {
    return finish({
      reason: 'exit',
      exitCode: result.exitCode,
      message: `exited with code ${result.exitCode}`,
    });
  }
  return finish();
}

function quoteForLog(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
