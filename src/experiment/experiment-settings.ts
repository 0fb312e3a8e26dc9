import type { ResolvedStrategy } from '../../strategies/registry.js';
import type { EngineConfig } from '../engine/engine-config.js';
import type { ExecutorConfig } from '../executor/executor-config.js';
import type { DataConfig } from './dataset.js';

// Everything a run needs, resolved from the config file and the flags and validated once.
export interface ExperimentSettings {
  kind: 'al' | 'ssl';
  // The run's name (the --out folder's name) and folder.
  name: string;
  runDir: string;
  // Where generated demo data is cached (shared by runs).
  cacheDir: string;
  configFile: string;
  // The resolved config as recorded (after flags), and its hash.
  recordedConfig: unknown;
  configHash: string;
  data: DataConfig;
  engine: EngineConfig;
  // The methods' names, and each method's strategy (built-in or a user's module), in order.
  methods: string[];
  strategies: ResolvedStrategy[];
  seeds: number[];
  // AL budgets or SSL top-k values, ascending.
  budgets: number[];
  // Active-learning rounds (1 = the paper's one round); SSL always runs one.
  rounds: number;
  training: {
    pretrained: string | null;
    m0Params: Record<string, unknown>;
    finetuneFrom: 'm0' | 'init';
    finetuneParams: Record<string, unknown>;
    repeatM0: boolean;
  };
  qs: { model: string; batchSize: number };
  mcSamples: number;
  nsdToleranceMm: number;
  // Where the jobs run (local or Slurm), as configured.
  executor: ExecutorConfig;
  concurrency: { engine: number; node: number };
  maxAttempts: number;
  exportWorklist: boolean;
  // Queue the whole plan on Slurm at once and exit (executor kind slurm only).
  detach: boolean;
  force: boolean;
}
