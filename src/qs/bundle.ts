import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import type { PreprocessParams } from './preprocess.js';

// QS model bundles (docs/qs-bundle.md): DIR/model.onnx + DIR/manifest.json, loaded, validated
// and indexed for organ-name lookup.

export const BUNDLE_FORMAT = 'sentinel-qs-bundle/1';

// The bundle used when a config or `sentinel score` names none: the small model shipped with
// the package.
export const SHIPPED_QS_MODEL = `${packageRoot}/models/qs-phantom`;

const MeanStd = z.object({
  mean: z.number(),
  std: z.number().refine((v) => v !== 0, 'must not be 0'),
});

// The manifest schema, field by field as docs/qs-bundle.md describes it.
export const QsManifest = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    name: z.string().min(1),
    backbone: z.string().min(1),
    modelFile: z.literal('model.onnx'),
    modelSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    inputSize: z.number().int().positive(),
    embeddingSize: z.number().int().positive(),
    huWindow: z
      .tuple([z.number(), z.number()])
      .refine(([lo, hi]) => lo < hi, 'lo must be below hi'),
    normalisation: z.object({ ct: MeanStd, mask: MeanStd }),
    cropMargin: z.number().int().nonnegative(),
    slicesPerOrgan: z.number().int().positive(),
    resize: z.literal('pillow-bilinear'),
    classes: z
      .array(
        z.object({
          label: z.number().int().nonnegative(),
          name: z.string(),
          key: z.string().min(1),
          embedding: z.array(z.number()),
        }),
      )
      .min(1),
    aliases: z.record(z.string(), z.number().int()),
    provenance: z.object({ source: z.string() }).loose(),
  })
  .loose()
  .superRefine((m, ctx) => {
    const labels = new Set<number>();
    const keys = new Set<string>();
    m.classes.forEach((c, i) => {
      if (c.embedding.length !== m.embeddingSize) {
        ctx.addIssue({
          code: 'custom',
          path: ['classes', i, 'embedding'],
          message: `has ${c.embedding.length} values, embeddingSize is ${m.embeddingSize}`,
        });
      }
      if (labels.has(c.label))
        ctx.addIssue({ code: 'custom', path: ['classes', i, 'label'], message: 'duplicate label' });
      if (keys.has(c.key))
        ctx.addIssue({ code: 'custom', path: ['classes', i, 'key'], message: 'duplicate key' });
      labels.add(c.label);
      keys.add(c.key);
    });
    for (const [alias, label] of Object.entries(m.aliases)) {
      if (!labels.has(label)) {
        ctx.addIssue({
          code: 'custom',
          path: ['aliases', alias],
          message: `label ${label} is not in classes`,
        });
      }
    }
  });
export type QsManifest = z.infer<typeof QsManifest>;

// A class of the bundle, with its condition vector as float32.
export interface QsClass {
  label: number;
  name: string;
  key: string;
  embedding: Float32Array;
}

// A loaded, validated bundle.
export interface QsBundle {
  dir: string;
  modelPath: string;
  manifest: QsManifest;
  params: PreprocessParams;
  classes: Map<number, QsClass>;
  // Finds the class an organ name scores as (aliases, then normalised keys), or undefined.
  resolveOrgan(name: string): QsClass | undefined;
}

// The organ-name normalisation of docs/qs-bundle.md: trim, lower-case, `_` -> space,
// whitespace runs -> one space.
export function normaliseOrganName(name: string): string {
  return name.trim().toLowerCase().replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map(
      (issue) =>
        `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`,
    )
    .join('; ');
}

// Reads and validates DIR/manifest.json, checks model.onnx exists (and its SHA-256 when the
// manifest records one, unless `verifyModel` is false).
export async function loadBundle(
  dir: string,
  options: { verifyModel?: boolean } = {},
): Promise<QsBundle> {
  const root = path.resolve(dir);
  const manifestPath = path.join(root, 'manifest.json');
  const hint = 'A QS bundle is a folder with model.onnx and manifest.json (docs/qs-bundle.md).';
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (cause) {
    throw new UserError(`QS bundle: cannot read ${manifestPath}`, { hint, cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new UserError(
      `QS bundle: ${manifestPath} is not valid JSON (${(cause as Error).message})`,
      { hint },
    );
  }
  const parsed = QsManifest.safeParse(json);
  if (!parsed.success) {
    throw new UserError(`QS bundle: ${manifestPath} is malformed: ${formatIssues(parsed.error)}`, {
      hint,
    });
  }
  const manifest = parsed.data;
  const modelPath = path.join(root, manifest.modelFile);
  let model: Buffer;
  try {
    model = await readFile(modelPath);
  } catch (cause) {
    throw new UserError(`QS bundle: cannot read ${modelPath} (manifest field modelFile)`, {
      hint,
      cause,
    });
  }
  if (manifest.modelSha256 !== undefined && options.verifyModel !== false) {
    const actual = createHash('sha256').update(model).digest('hex');
    if (actual !== manifest.modelSha256) {
      throw new UserError(`QS bundle: ${modelPath} does not match modelSha256 in ${manifestPath}`, {
        hint: `The file's SHA-256 is ${actual}; re-export the bundle or fix the manifest.`,
      });
    }
  }
  return makeBundle(root, modelPath, manifest);
}

function makeBundle(dir: string, modelPath: string, manifest: QsManifest): QsBundle {
  const classes = new Map<number, QsClass>();
  const byKey = new Map<string, QsClass>();
  for (const c of manifest.classes) {
    const entry: QsClass = {
      label: c.label,
      name: c.name,
      key: c.key,
      embedding: Float32Array.from(c.embedding),
    };
    classes.set(c.label, entry);
    byKey.set(c.key, entry);
  }
  const aliases = new Map(Object.entries(manifest.aliases));
  const { normalisation: n } = manifest;
  return {
    dir,
    modelPath,
    manifest,
    classes,
    params: {
      inputSize: manifest.inputSize,
      huWindow: manifest.huWindow,
      ctMean: n.ct.mean,
      ctStd: n.ct.std,
      maskMean: n.mask.mean,
      maskStd: n.mask.std,
      cropMargin: manifest.cropMargin,
      slicesPerOrgan: manifest.slicesPerOrgan,
    },
    resolveOrgan(name: string): QsClass | undefined {
      const aliased = aliases.get(name) ?? aliases.get(name.trim());
      if (aliased !== undefined) return classes.get(aliased);
      return byKey.get(normaliseOrganName(name));
    },
  };
}
