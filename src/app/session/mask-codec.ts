/**
 * A mask for the saved session: its 1-byte-per-pixel data deflated (zlib,
 * RFC 1950) by the worker, which holds the mask (MaskDocs.packed), with its
 * size beside it. Masks are mostly long runs of 0 and 255, so a 12 MP mask of
 * a few marks packs to a few kilobytes. Sessions saved before the worker held
 * the masks were deflated by CompressionStream('deflate'): the same format.
 */
import type { PackedMaskBytes } from '../../worker/mask-protocol';

export interface PackedMask {
  width: number;
  height: number;
  /** zlib (RFC 1950) of mask.data, row-major, one byte per pixel. */
  deflated: Blob;
}

export function maskRecord(packed: Pick<PackedMaskBytes, 'width' | 'height' | 'zlib'>): PackedMask {
  return { width: packed.width, height: packed.height, deflated: new Blob([packed.zlib as Uint8Array<ArrayBuffer>]) };
}

/** The saved bytes, for the worker to inflate (it checks they make exactly width × height); rejects a bad size. */
export async function maskZlib(packed: PackedMask): Promise<Uint8Array> {
  const { width, height } = packed;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`saved mask has a bad size ${width}×${height}`);
  }
  return new Uint8Array(await packed.deflated.arrayBuffer());
}
