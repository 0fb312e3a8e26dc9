#!/usr/bin/env node
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { ZodType } from 'zod';
import {
  CONTRACT,
  PredictRequest,
  PredictResponse,
  TrainRequest,
  TrainResponse,
} from '../../src/engine/contract.js';
import { UserError, isUserError } from '../../src/errors.js';
import { packageVersion } from '../../src/package-root.js';
import { serializeCheckpoint } from './checkpoint.js';
import { EngineParams } from './params.js';
import { predictReference } from './predict.js';
import { trainReference } from './train.js';

// The reference engine's entry point, run as a subprocess through the engine contract:
//   node dist/engines/reference/main.js train|predict --request REQUEST.json
// It validates the request, does the work, writes the response JSON atomically at
// request.response, and exits 0; on failure it prints one clear line on stderr (the stack too
// when it is a bug) and exits 2 (a bad request or input) or 70 (a bug).
const ENGINE = { name: 'reference', version: packageVersion };
const USAGE = 'usage: main.js train|predict --request REQUEST.json';

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandLine(argv);
  const action = positionals[0];
  if (positionals.length !== 1 || (action !== 'train' && action !== 'predict')) {
    throw new UserError(`expected one action, train or predict, got "${positionals.join(' ')}"`, {
      hint: USAGE,
    });
  }
  if (!values.request) throw new UserError('missing --request', { hint: USAGE });
  const schema: ZodType = action === 'train' ? TrainRequest : PredictRequest;
  const raw = await readRequest(values.request, schema);
  const params = parseParams(raw.params);
  if (action === 'train') {
    const request = TrainRequest.parse(raw);
    const checkpoint = await trainReference(request, params, ENGINE);
    await writeAtomically(request.checkpoint, serializeCheckpoint(checkpoint));
    const response: TrainResponse = {
      contract: CONTRACT,
      action: 'train',
      engine: ENGINE,
      checkpoint: request.checkpoint,
      stats: checkpoint.training,
    };
    await writeAtomically(
      request.response,
      `${JSON.stringify(TrainResponse.parse(response), null, 2)}\n`,
    );
  } else {
    const request = PredictRequest.parse(raw);
    const outputs = await predictReference(request, params);
    const response: PredictResponse = {
      contract: CONTRACT,
      action: 'predict',
      engine: ENGINE,
      outputs,
    };
    await writeAtomically(
      request.response,
      `${JSON.stringify(PredictResponse.parse(response), null, 2)}\n`,
    );
  }
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: { request: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UserError((error as Error).message, { hint: USAGE });
  }
}

async function readRequest(
  path: string,
  schema: ZodType,
): Promise<{ params: unknown } & Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(
      `cannot read request ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`request ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(top level)';
    throw new UserError(`request ${path} does not follow ${CONTRACT}: ${where}: ${issue?.message}`);
  }
  return result.data as { params: unknown } & Record<string, unknown>;
}

function parseParams(params: unknown): EngineParams {
  const result = EngineParams.safeParse(params);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `params.${issue.path.join('.')}` : 'params';
  throw new UserError(`bad engine parameter ${where}: ${issue?.message}`, {
    hint: `valid parameters: ${Object.keys(EngineParams.shape).join(', ')}`,
  });
}

// Writes a file next to its destination (making its folder), then renames it into place.
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporary, text);
  } catch (error) {
    throw new UserError(
      `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        hint: `check that ${dirname(path)} exists and is writable`,
      },
    );
  }
  await rename(temporary, path);
}

try {
  await run(process.argv.slice(2));
} catch (error) {
  if (isUserError(error)) {
    process.stderr.write(`reference engine: error: ${error.message}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    process.exitCode = error.exitCode;
  } else {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`reference engine: internal error (a bug):\n${detail}\n`);
    process.exitCode = 70;
  }
}
