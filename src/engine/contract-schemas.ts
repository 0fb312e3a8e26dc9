import { z } from 'zod';
import {
  CONTRACT,
  PredictRequest,
  PredictResponse,
  TrainRequest,
  TrainResponse,
} from './contract.js';
import { EngineConfig } from './engine-config.js';

// The JSON Schemas of contract v1, generated from the zod schemas (the single source): one per
// message an engine reads or writes, and one for the `engine:` config section. Committed in
// docs/schemas/ (a test keeps them equal to these); printed by `sentinel engine-schemas`.
// Generated as input schemas: fields with defaults are optional, and objects do not forbid
// extra properties (zod ignores them), so a later minor addition does not break an engine.
const SCHEMAS = {
  'train-request': {
    schema: TrainRequest,
    io: 'input',
    title: 'Train request (orchestrator -> engine)',
  },
  'train-response': {
    schema: TrainResponse,
    io: 'input',
    title: 'Train response (engine -> orchestrator)',
  },
  'predict-request': {
    schema: PredictRequest,
    io: 'input',
    title: 'Predict request (orchestrator -> engine)',
  },
  'predict-response': {
    schema: PredictResponse,
    io: 'input',
    title: 'Predict response (engine -> orchestrator)',
  },
  'engine-config': {
    schema: EngineConfig,
    io: 'input',
    title: 'The engine: section of a sentinel config',
  },
} as const;

// The schema names, in the order documented.
export const CONTRACT_SCHEMA_NAMES = Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[];

// Generates every schema: name -> JSON Schema (draft 2020-12) with $id and title.
export function contractJsonSchemas(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const name of CONTRACT_SCHEMA_NAMES) {
    const { schema, io, title } = SCHEMAS[name];
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
    out[name] = { $id: `${CONTRACT}/${name}.schema.json`, title, ...json };
  }
  return out;
}

// The text of one schema file: pretty JSON with a final newline.
export function schemaFileText(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
