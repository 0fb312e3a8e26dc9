import * as ort from 'onnxruntime-node';
import { UserError } from '../errors.js';
import type { QsBundle } from './bundle.js';

// The ONNX Runtime session of a QS bundle: inputs `image` [N, 2, S, S] and `embedding` [N, E],
// output `dice` [N, 1].

// Session settings. The defaults were measured fastest on the 2-core shared CPU this project
// is built on (resnet18@128 and resnet50@256, batches of 16-32): full graph optimisation
// (conv + BatchNorm fusion; 'basic' was 25-40% slower), sequential execution ('parallel' was
// slower), ONNX Runtime's default thread count, and worker threads that sleep instead of
// spinning between ops (spinning lost 10-25% when other processes share the cores). To keep
// the cores busy while cases are read and preprocessed, a QS scorer runs whole cases in
// worker threads, each with its own session (qs-scorer.ts).
export interface QsSessionOptions {
  // ONNX Runtime intra-op threads; 0 = ONNX Runtime's default (one per physical core).
  threads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  // Let idle intra-op threads spin (lower latency on an otherwise idle machine).
  spinning?: boolean;
}

// A QS network ready to score batches of preprocessed slices.
export interface QsSession {
  inputSize: number;
  embeddingSize: number;
  // Runs `count` slices: images holds count*2*S*S floats, embeddings count*E. The caller
  // leaves both unchanged until the promise settles.
  run(images: Float32Array, embeddings: Float32Array, count: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

// The ONNX Runtime options a QsSessionOptions stands for.
function sessionOptions(options: QsSessionOptions = {}): ort.InferenceSession.SessionOptions {
  const threads = options.threads ?? 0;
  return {
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    executionMode: 'sequential',
    ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
    extra: { session: { intra_op: { allow_spinning: options.spinning === true ? '1' : '0' } } },
  };
}

// The error for a model file ONNX Runtime cannot load.
function modelLoadError(bundle: QsBundle, message: string): UserError {
  return new UserError(`QS bundle: ONNX Runtime cannot load ${bundle.modelPath}: ${message}`, {
    hint: 'Re-export the bundle (tools/qs/export_official.py) or check the file is complete.',
  });
}

// Checks that a loaded model has the bundle's inputs and output.
function checkModelIo(bundle: QsBundle, inputNames: string[], outputNames: string[]): void {
  for (const name of ['image', 'embedding']) {
    if (!inputNames.includes(name)) {
      throw new UserError(`QS bundle: ${bundle.modelPath} has no input named "${name}"`, {
        hint: `Its inputs are ${inputNames.join(', ')}; docs/qs-bundle.md expects image and embedding.`,
      });
    }
  }
  if (!outputNames.includes('dice')) {
    throw new UserError(`QS bundle: ${bundle.modelPath} has no output named "dice"`, {
      hint: `Its outputs are ${outputNames.join(', ')}.`,
    });
  }
}

// Opens the bundle's model.onnx on the calling thread (each run blocks it while ONNX Runtime
// works) and checks that its inputs and output are the bundle's.
export async function openQsSession(
  bundle: QsBundle,
  options: QsSessionOptions = {},
): Promise<QsSession> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bundle.modelPath, sessionOptions(options));
  } catch (cause) {
    throw modelLoadError(bundle, (cause as Error).message);
  }
  checkModelIo(bundle, [...session.inputNames], [...session.outputNames]);
  const size = bundle.manifest.inputSize;
  const embeddingSize = bundle.manifest.embeddingSize;
  return {
    inputSize: size,
    embeddingSize,
    async run(images, embeddings, count) {
      const feeds = {
        image: new ort.Tensor('float32', images.subarray(0, count * 2 * size * size), [
          count,
          2,
          size,
          size,
        ]),
        embedding: new ort.Tensor('float32', embeddings.subarray(0, count * embeddingSize), [
          count,
          embeddingSize,
        ]),
      };
      const result = await session.run(feeds, ['dice']);
      const dice = result.dice;
      if (dice === undefined || dice.size !== count) {
        throw new Error(`QS model returned ${dice?.size ?? 'no'} values for ${count} slices`);
      }
      return Float32Array.from(dice.data as Float32Array);
    },
    async dispose() {
      await session.release();
    },
  };
}
