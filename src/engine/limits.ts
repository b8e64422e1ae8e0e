import { z } from 'zod';
import { WmError } from './errors';

/**
 * Input limits, validated at the boundary. The defaults are the largest the
 * engine processes at full resolution without running out of memory in a
 * desktop browser tab: a 48 MP RGBA image is 192 MB, and the pipeline holds the
 * original, the result and the mask (~430 MB) plus one tile at a time.
 */
export const LimitsSchema = z
  .object({
    maxBytes: z
      .number()
      .int()
      .positive()
      .describe('Largest accepted file in bytes. A 48 MP JPEG at high quality is ~25-40 MB.'),
    maxWidth: z.number().int().positive().describe('Largest accepted width in pixels'),
    maxHeight: z.number().int().positive().describe('Largest accepted height in pixels'),
    maxPixels: z
      .number()
      .int()
      .positive()
      .describe('Largest accepted width × height; the real memory bound'),
    formats: z
      .array(z.enum(['jpeg', 'png', 'webp']))
      .min(1)
      .describe('Accepted formats, detected from magic bytes, not the extension'),
  })
  .describe('Input limits');

export type Limits = z.infer<typeof LimitsSchema>;

export const DEFAULT_LIMITS: Limits = {
  maxBytes: 64 * 1024 * 1024,
  maxWidth: 12_000,
  maxHeight: 12_000,
  maxPixels: 48_000_000,
  formats: ['jpeg', 'png', 'webp'],
};

/** The seed's original limits; always accepted, whatever the configuration. */
export const MIN_LIMITS: Limits = {
  maxBytes: 10 * 1024 * 1024,
  maxWidth: 4096,
  maxHeight: 4096,
  maxPixels: 4096 * 4096,
  formats: ['jpeg', 'png', 'webp'],
};

export function resolveLimits(partial?: Partial<Limits>): Limits {
  const merged = { ...DEFAULT_LIMITS, ...partial };
  const parsed = LimitsSchema.safeParse(merged);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new WmError('E_BAD_OPTION', `Invalid limit ${first?.path.join('.') ?? ''}: ${first?.message ?? parsed.error.message}`);
  }
  return parsed.data;
}
