// A segmentation engine that does no learning, for measuring the orchestrator alone
// (bench/orchestrator-growth.ts): `train` writes a small checkpoint; `predict` copies each case's
// label (labelsTr/ID.nii.gz beside imagesTr/ID_0000.nii.gz, the tiny dataset's layout) as its mask.
// It speaks contract v1 like any engine, so every job goes through the real engine runner.
//
//   node dist/bench/growth/fake-engine.js train|predict --request FILE

import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CONTRACT, PredictRequest, TrainRequest } from '../../src/engine/contract.js';

const engine = { name: 'fake-growth', version: '1' };

async function main(): Promise<void> {
  const [action, flag, requestPath] = process.argv.slice(2);
  if (flag !== '--request' || !requestPath) throw new Error('usage: train|predict --request FILE');
  const raw: unknown = JSON.parse(await readFile(requestPath, 'utf8'));
  if (action === 'train') {
    const request = TrainRequest.parse(raw);
    await writeFile(request.checkpoint, JSON.stringify({ cases: request.cases.length }));
    const response = { contract: CONTRACT, action, engine, checkpoint: request.checkpoint };
    await writeFile(request.response, JSON.stringify(response));
    return;
  }
  const request = PredictRequest.parse(raw);
  await mkdir(request.outputDir, { recursive: true });
  const outputs = [];
  for (const c of request.cases) {
    const label = join(
      dirname(dirname(c.image)),
      'labelsTr',
      basename(c.image).replace('_0000', ''),
    );
    const mask = join(request.outputDir, `${c.id}.nii.gz`);
    await copyFile(label, mask);
    outputs.push({ id: c.id, mask });
  }
  await writeFile(
    request.response,
    JSON.stringify({ contract: CONTRACT, action, engine, outputs }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
