/** Core data types. Layouts are in the names: `rgba` is interleaved HWC uint8. */

export interface Size {
  width: number;
  height: number;
}

/** Axis-aligned rectangle in image pixels; x/y inclusive, x+width exclusive. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A decoded image at full resolution: interleaved RGBA, 8 bits per channel, not premultiplied. */
export interface RgbaImage extends Size {
  data: Uint8ClampedArray; // (H, W, 4)
}

/**
 * The edit mask at the image's full resolution. 0 = keep the pixel exactly,
 * 255 = replace it, in between = soft (feathered) blend of input and result.
 */
export interface Mask extends Size {
  data: Uint8Array; // (H, W)
}

/** A soft per-pixel map in [0, 1], for example a detector's probability or alpha. */
export interface FloatMap extends Size {
  data: Float32Array; // (H, W)
}

export type RegionKind = 'text' | 'logo' | 'pattern';

/** What triage (triage/) made of a detected region: a mark, or the picture's own content (off by default). */
export type RegionVerdict = 'overlay' | 'opaque-mark' | 'content';

export interface Region {
  id: number;
  kind: RegionKind;
  /** Mean probability inside the region, in [0, 1]. */
  confidence: number;
  box: Rect;
  /** Number of mask pixels in the region. */
  area: number;
  /** On by default unless triage says the region is probably content. */
  enabled: boolean;
  verdict?: RegionVerdict;
  /** Triage's reason, in words. */
  reason?: string;
}

export type ImageFormat = 'jpeg' | 'png' | 'webp';

/**
 * A mark the engine already knows across the whole image: an accepted lattice
 * of repeats (engine/mark/instances.ts `latticeRegion`) or a footer bar
 * (engine/mark/bar.ts). The detectors see a tiled mark as a few weak blobs;
 * the lattice gives every repeat, with its α. It becomes one region whose mask
 * is the mark's α-support, and a lattice is evidence for triage: a detector
 * region on it is a mark.
 */
export interface KnownRegion {
  /** Full-resolution mask of the mark. */
  mask: Mask;
  kind: RegionKind;
  confidence: number;
  verdict: RegionVerdict;
  reason: string;
}
