/** Test helpers for the worker's masks (mask-docs.test.ts, app/mask-journal.test.ts). */
import type { MaskDocs } from './mask-docs';
import type { MaskChange, StrokeSegment } from './mask-protocol';

export const seg = (x0: number, y0: number, x1: number, y1: number, value: 0 | 255 = 255, radius = 3): StrokeSegment => ({ x0, y0, x1, y1, radius, value });

/** The worker's mask, read back whole. */
export const whole = (docs: MaskDocs, id: string): Uint8Array => docs.bytes(id).bytes;

/** One stroke of `segments`, committed as one step. */
export function stroke(docs: MaskDocs, id: string, segments: StrokeSegment[], label = 'Brush', bytes = true): MaskChange {
  docs.strokeBegin(id);
  docs.strokeSegments(id, segments);
  return docs.strokeCommit(id, label, bytes);
}
