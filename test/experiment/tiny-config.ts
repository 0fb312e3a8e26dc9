import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

// A tiny experiment config (small phantoms, short training) in a fresh temp folder, for tests
// that run the real al-run/ssl-run CLI. Returns the folder and the config path. `extra` is
// appended; `sections` replace the data or training section (YAML text, key included).
export async function tinyExperiment(
  name: string,
  extra = '',
  sections: { data?: string; training?: string } = {},
): Promise<{ dir: string; config: string }> {
  const dir = await mkdtemp(join(tmpdir(), `${name}-`));
  const config = join(dir, 'tiny.yaml');
  await writeFile(
    config,
    `# tiny test experiment
name: tiny
${sections.data ?? 'data:\n  demo: { labeled: 3, pool: 6, test: 2, seed: 0, size: [32, 32, 32] }'}
engine:
  name: reference
  command: ["{node}", "{package}/dist/engines/reference/main.js", "{action}", "--request", "{request}"]
  supportsMcDropout: true
  params: { samplesPerCase: 800 }
${sections.training ?? 'training:\n  m0: { params: { steps: 120 } }\n  finetune: { params: { steps: 40 } }'}
mcDropout: { samples: 2 }
executor: { engineConcurrency: 2, nodeConcurrency: 2, maxAttempts: 1 }
${extra}`,
  );
  return { dir, config };
}

// Rows of a query on a run's database (read-only).
export function queryRun<T>(dbPath: string, sql: string): T[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}
