import {
  type OutputProblem,
  allowedLabels,
  checkExists,
  checkMask,
  checkProbabilityMap,
  readGrid,
} from './check-outputs.js';
import { checkUncertaintyMap } from './check-uncertainty-map.js';
import type { PredictRequest, PredictResponse, TrainResponse } from './contract.js';
import { firstProblemInOrder } from './first-problem-in-order.js';

// Checks what a train response points at: the checkpoint must exist.
export async function checkTrainOutputs(
  response: TrainResponse,
): Promise<OutputProblem | undefined> {
  return checkExists(response.checkpoint, 'checkpoint');
}

// Checks a predict response against its request: one output per case, each mask a label map
// on its image's grid with labels in the class map, probabilities and Monte-Carlo samples
// present exactly when asked, each with classes + 1 channels on the grid summing to 1, and the
// fused uncertainty maps when asked.
export async function checkPredictOutputs(
  request: PredictRequest,
  response: PredictResponse,
): Promise<OutputProblem | undefined> {
  const byId = new Map(response.outputs.map((o) => [o.id, o]));
  const asked = new Set(request.cases.map((c) => c.id));
  const unknown = response.outputs.filter((o) => !asked.has(o.id)).map((o) => o.id);
  if (unknown.length > 0)
    return bad(`the response lists cases that were not asked for: ${unknown.join(', ')}`);
  if (byId.size !== response.outputs.length) return bad('the response lists a case more than once');
  const labels = allowedLabels(request.classes);
  const channels = Object.keys(request.classes).length + 1;
  return firstProblemInOrder(request.cases, CASES_IN_FLIGHT, async (c) => {
    const output = byId.get(c.id);
    if (!output)
      return { reason: 'missing-output', message: `the response has no output for case ${c.id}` };
    const problem = await checkCaseOutput(request, output, c.image, { labels, channels });
    return problem && withCase(c.id, problem);
  });
}

// Cases checked at once: their file reads overlap (libuv runs 4 at a time by default) while
// memory stays bounded (each check streams its files).
const CASES_IN_FLIGHT = 4;

type CaseOutput = PredictResponse['outputs'][number];

// One case's outputs against the request: the mask, then what was asked besides.
async function checkCaseOutput(
  request: PredictRequest,
  output: CaseOutput,
  image: string,
  expected: { labels: Set<number>; channels: number },
): Promise<OutputProblem | undefined> {
  const grid = await readGrid(image);
  const mask = await checkMask(output.mask, grid, expected.labels);
  if (mask) return mask;
  if (request.save.probabilities) {
    if (!output.probabilities)
      return { reason: 'missing-output', message: 'probabilities were asked for but not given' };
    const check = await checkProbabilityMap(output.probabilities, grid, expected.channels);
    if (check.problem) return check.problem;
  }
  const samples = output.mcSamples ?? [];
  if (samples.length !== request.save.mcSamples) {
    return {
      reason: samples.length < request.save.mcSamples ? 'missing-output' : 'bad-output',
      message: `${samples.length} Monte-Carlo samples given, ${request.save.mcSamples} asked for`,
    };
  }
  for (const path of samples) {
    const check = await checkProbabilityMap(path, grid, expected.channels);
    if (check.problem) return check.problem;
  }
  if (request.save.entropyMap) {
    const entropy = await checkUncertaintyMap(output.entropyMap, grid, 'entropy map');
    if (entropy) return entropy;
  }
  return request.save.mcStdMap
    ? checkUncertaintyMap(output.mcStdMap, grid, 'MC-std map')
    : undefined;
}

function bad(message: string): OutputProblem {
  return { reason: 'bad-output', message };
}

function withCase(id: string, problem: OutputProblem): OutputProblem {
  return { reason: problem.reason, message: `case ${id}: ${problem.message}` };
}
