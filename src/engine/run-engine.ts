import { appendFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { JobCost } from '../executor/cost-meter.js';
import { expandArgv } from '../executor/expand-argv.js';
import { readLogTail } from '../executor/log-tail.js';
import { type ProcessExecutor, localProcessExecutor } from '../executor/process-executor.js';
import type { ProcessFailureReason } from '../executor/run-process.js';
import { packageRoot } from '../package-root.js';
import { checkPredictOutputs, checkTrainOutputs } from './check-response-outputs.js';
import {
  CONTRACT,
  PredictRequest,
  PredictResponse,
  TrainRequest,
  TrainResponse,
} from './contract.js';
import { type EngineConfig, engineTimeout } from './engine-config.js';
import { readResponse } from './read-response.js';

// A train job as the caller gives it: the request without what run-engine fills in
// (contract, response, workdir; params default to the engine config's).
// The engine's stdout and stderr, in its job folder.
export const ENGINE_LOG_FILE = 'engine.log';

export type TrainTask = Omit<TrainRequest, 'contract' | 'response' | 'workdir' | 'params'> & {
  params?: Record<string, unknown>;
};
// A predict job likewise; save.probabilityType defaults to the engine config's.
export type PredictTask = Omit<
  PredictRequest,
  'contract' | 'response' | 'workdir' | 'params' | 'save'
> & {
  params?: Record<string, unknown>;
  save: {
    probabilities: boolean;
    mcSamples: number;
    probabilityType?: 'float32' | 'uint8';
    entropyMap?: boolean;
    mcStdMap?: number;
  };
};
export type EngineTask = TrainTask | PredictTask;

// Why an engine job failed: the process (see run-process.ts), or the contract.
export type EngineFailureReason =
  | ProcessFailureReason
  | 'no-response'
  | 'bad-response'
  | 'missing-output'
  | 'bad-output';

// What runEngine returns: the validated response, or a failure with its log; never throws for
// anything the engine does.
export type EngineRunResult<R> =
  | { ok: true; response: R; cost: JobCost; logPath: string }
  | {
      ok: false;
      reason: EngineFailureReason;
      message: string;
      exitCode?: number;
      signal?: string;
      logPath: string;
      logTail: string;
      cost: JobCost;
    };

// Where a job's files go and how it may be stopped.
export interface RunEngineOptions {
  // Holds request.json, response.json, engine.log and work/ (the engine's scratch folder).
  jobDir: string;
  signal?: AbortSignal;
  // false: check only the response, not the files it names (engine-check checks them itself).
  checkOutputs?: boolean;
  killGraceSeconds?: number;
  sampleIntervalMs?: number;
  // Where the engine process runs (default: here, through runProcess).
  executor?: ProcessExecutor;
}

// Runs one engine action through contract v1: writes the request, runs the configured command
// through the runner, reads and validates the response and every output it names.
export async function runEngine(
  engine: EngineConfig,
  task: TrainTask,
  options: RunEngineOptions,
): Promise<EngineRunResult<TrainResponse>>;
export async function runEngine(
  engine: EngineConfig,
  task: PredictTask,
  options: RunEngineOptions,
): Promise<EngineRunResult<PredictResponse>>;
export async function runEngine(
  engine: EngineConfig,
  task: EngineTask,
  options: RunEngineOptions,
): Promise<EngineRunResult<TrainResponse | PredictResponse>> {
  const jobDir = resolve(options.jobDir);
  const paths = {
    request: join(jobDir, 'request.json'),
    response: join(jobDir, 'response.json'),
    workdir: join(jobDir, 'work'),
    log: join(jobDir, ENGINE_LOG_FILE),
  };
  const request = buildRequest(engine, task, paths);
  const executor = options.executor ?? localProcessExecutor;
  // Re-attaching to an engine a killed orchestrator started: its files are its own.
  if (!executor.reattaching) {
    await mkdir(jobDir, { recursive: true });
    // A response or scratch files left by an earlier attempt must not be mistaken for this one's.
    await rm(paths.response, { force: true });
    await rm(paths.workdir, { recursive: true, force: true });
    await mkdir(paths.workdir, { recursive: true });
    await writeFile(paths.request, `${JSON.stringify(request, null, 2)}\n`);
  }

  const values = {
    action: request.action,
    request: paths.request,
    response: paths.response,
    workdir: paths.workdir,
    jobdir: jobDir,
    package: packageRoot,
    node: process.execPath,
  };
  const env = Object.fromEntries(
    Object.entries(engine.env).map(([k, v]) => [k, expandArgv([v], values)[0]!]),
  );
  const run = await executor.run({
    argv: expandArgv(engine.command, values),
    env,
    logPath: paths.log,
    timeoutSeconds: engineTimeout(engine, request.action),
    signal: options.signal,
    outputs: [request.action === 'train' ? request.checkpoint : request.outputDir],
    killGraceSeconds: options.killGraceSeconds,
    sampleIntervalMs: options.sampleIntervalMs,
  });
  if (!run.ok) return { ...run, message: `${engine.name} ${request.action}: ${run.message}` };

  const read =
    request.action === 'train'
      ? await readResponse(paths.response, TrainResponse)
      : await readResponse(paths.response, PredictResponse);
  let problem: { reason: EngineFailureReason; message: string } | undefined = read.ok
    ? undefined
    : read;
  if (read.ok && read.response.action !== request.action) {
    problem = {
      reason: 'bad-response',
      message: `the response is for action ${read.response.action}, not ${request.action}`,
    };
  } else if (read.ok && options.checkOutputs !== false) {
    problem =
      read.response.action === 'train'
        ? await checkTrainOutputs(read.response)
        : await checkPredictOutputs(request as PredictRequest, read.response);
  }
  if (problem || !read.ok) {
    const message = `${engine.name} ${request.action}: ${problem?.message ?? 'no response'}`;
    appendFileSync(paths.log, `# sentinel: job failed: ${message}\n`);
    return {
      ok: false,
      reason: problem?.reason ?? 'no-response',
      message,
      logPath: paths.log,
      logTail: readLogTail(paths.log),
      cost: run.cost,
    };
  }
  await rm(paths.workdir, { recursive: true, force: true });
  return { ok: true, response: read.response, cost: run.cost, logPath: paths.log };
}

function buildRequest(
  engine: EngineConfig,
  task: EngineTask,
  paths: { response: string; workdir: string },
): TrainRequest | PredictRequest {
  const params = { ...engine.params, ...task.params };
  const common = { contract: CONTRACT, response: paths.response, workdir: paths.workdir, params };
  if (task.action === 'train') return TrainRequest.parse({ ...task, ...common });
  if (Math.max(task.save.mcSamples, task.save.mcStdMap ?? 0) > 0 && !engine.supportsMcDropout) {
    throw new UserError(`engine "${engine.name}" cannot write Monte-Carlo-dropout samples`, {
      hint: 'set supportsMcDropout: true in the engine config if it can, or leave out the mc-dropout method',
    });
  }
  const save = {
    ...task.save,
    probabilityType: task.save.probabilityType ?? engine.probabilityType,
  };
  return PredictRequest.parse({ ...task, ...common, save });
}
