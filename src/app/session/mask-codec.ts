/**
 * A mask for the saved session: its 1-byte-per-pixel data deflated by the
 * browser's CompressionStream (native, streaming, off the JavaScript main loop),
 * with its size beside it. Masks are mostly long runs of 0 and 255, so a
 * 12 MP mask of a few marks packs to a few kilobytes. Also runs in Node (tests).
 */
import type { Mask } from '../../engine/types';

export interface PackedMask {
  width: number;
  height: number;
  /** deflate (RFC 1950) of mask.data, row-major, one byte per pixel. */
  deflated: Blob;
}

async function pipe(bytes: Blob, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  return new Uint8Array(await new Response(bytes.stream().pipeThrough(stream)).arrayBuffer());
}

export async function packMask(mask: Mask): Promise<PackedMask> {
  // The Blob copies the bytes now, so a stroke landing meanwhile cannot tear the saved mask.
  const deflated = await pipe(new Blob([mask.data as Uint8Array<ArrayBuffer>]), new CompressionStream('deflate'));
  return { width: mask.width, height: mask.height, deflated: new Blob([deflated as Uint8Array<ArrayBuffer>]) };
}

/** Rejects when the data does not inflate to exactly width × height bytes. */
export async function unpackMask(packed: PackedMask): Promise<Mask> {
  const { width, height } = packed;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`saved mask has a bad size ${width}×${height}`);
  }
  const data = await pipe(packed.deflated, new DecompressionStream('deflate'));
  if (data.length !== width * height) throw new Error(`saved mask has ${data.length} bytes for ${width}×${height}`);
  return { width, height, data };
}
