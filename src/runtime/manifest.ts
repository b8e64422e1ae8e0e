/**
 * The model manifest: `public/models/manifest.json`.
 *
 * training/export.py writes it; the runtime reads it. Swapping models is a
 * matter of replacing files in public/models/ and their entries here: the
 * engine reads every pre- and post-processing choice from this file, so no code
 * changes when a new model lands.
 */
import { z } from 'zod';
import type { ModelEntry, TensorSpec } from '../engine/model-spec';

export type { ModelEntry, TensorSpec };

export const TensorSpecSchema = z
  .object({
    name: z.string().min(1).describe('ONNX input or output name'),
    layout: z.literal('nchw').describe('Tensor layout; all our models are NCHW float32'),
    channels: z.number().int().positive().describe('C in NCHW'),
    meaning: z
      .enum(['image', 'mask', 'alpha', 'probability', 'kind-logits', 'clean'])
      .describe(
        'image: RGB/BGR photo; mask: 0/1 (or soft) region to fix; alpha: soft blend opacity; ' +
          'probability: per-pixel watermark probability; kind-logits: per-pixel class logits in `kinds` order; ' +
          'clean: the restored RGB crop',
      ),
    colorOrder: z.enum(['rgb', 'bgr']).optional().describe('Channel order for image-like tensors'),
    range: z.tuple([z.number(), z.number()]).describe('Value range before mean/std normalisation'),
    mean: z.array(z.number()).optional().describe('Per-channel mean subtracted after scaling to `range`'),
    std: z.array(z.number()).optional().describe('Per-channel std divided after subtracting `mean`'),
  })
  .describe('One model input or output');

export const ModelEntrySchema = z
  .object({
    id: z.string().min(1).describe('Stable id, also the cache key together with sha256'),
    role: z.enum(['detector', 'remover']).describe('Which pipeline stage uses it'),
    file: z.string().min(1).describe('File name relative to the manifest'),
    bytes: z.number().int().positive().describe('Exact file size'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).describe('Hex sha256 of the file; checked before use'),
    version: z.string().min(1),
    config: z.string().describe('Training config id (or "upstream" for third-party models)'),
    license: z.string().describe('Licence of the weights'),
    params: z.number().int().nonnegative().optional(),
    precision: z.enum(['fp32', 'fp16', 'int8']).default('fp32'),
    sizeMultiple: z.number().int().positive().default(32).describe('H and W are padded to a multiple of this'),
    maxSide: z.number().int().positive().optional().describe('Detectors: the long side the image is resized to'),
    tile: z.number().int().positive().optional().describe('Removers: the largest tile side run in one call'),
    kinds: z
      .array(z.enum(['text', 'logo', 'pattern']))
      .optional()
      .describe('Detectors: region kinds this model can report, in kind-logits channel order'),
    unclip: z
      .number()
      .nonnegative()
      .default(0)
      .describe(
        'Detectors: DB unclip ratio. Each region grows by ratio × area / perimeter (PaddleOCR\'s rule for its ' +
          'shrunk text cores; PaddleOCR uses 1.5). 0 for detectors whose map already covers the mark.',
      ),
    threshold: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.5)
      .describe(
        'Detectors: the raw output value at the calibrated operating point. The engine maps raw values ' +
          'piecewise-linearly so that this value becomes 0.5, the UI default, and 0 and 1 stay fixed. ' +
          'Alpha-regressing detectors need a low value (faint marks have alpha ~0.15).',
      ),
    recommended: z
      .boolean()
      .default(true)
      .describe(
        'Removers: whether the app picks it by default. Set false when the held-out evaluation shows it ' +
          'does not beat the classical fallback yet; it then stays available as an explicit choice.',
      ),
    priority: z.number().default(0).describe('Higher runs first / is preferred when several removers exist'),
    inputs: z.array(TensorSpecSchema).min(1),
    outputs: z.array(TensorSpecSchema).min(1),
  })
  .describe('One ONNX model');

export const ManifestSchema = z
  .object({
    schema: z.literal(1),
    models: z.array(ModelEntrySchema),
  })
  .describe('public/models/manifest.json');

export type Manifest = z.infer<typeof ManifestSchema>;

// The engine owns the entry types (engine/model-spec.ts); these fail to compile
// when the schema and the types drift apart in either direction.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const tensorSpecMatches: Same<z.infer<typeof TensorSpecSchema>, TensorSpec> = true;
const modelEntryMatches: Same<z.infer<typeof ModelEntrySchema>, ModelEntry> = true;
void tensorSpecMatches;
void modelEntryMatches;
