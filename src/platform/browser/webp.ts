/**
 * WebP with alpha in the worker without the canvas. Chromium's WebP decoder
 * premultiplies alpha whatever createImageBitmap or ImageDecoder are asked
 * (measured: RGB under α = 0 comes back zeroed, and rounded wherever α < 255),
 * so a transparent WebP would change outside the mask (issue 11, item 1).
 * libwebp compiled to WASM (@jsquash/webp, from Squoosh) returns the stored,
 * unpremultiplied RGBA. Loaded on first use: 136 KB of WASM.
 */
import { WmError } from '../../engine/errors';
import type { RgbaImage } from '../../engine/types';

export async function decodeWebpRgba(bytes: Uint8Array): Promise<RgbaImage> {
  const { default: decode } = await import('@jsquash/webp/decode');
  let data: ImageData;
  try {
    data = await decode(bytes.slice().buffer);
  } catch (e) {
    throw new WmError('E_DECODE_FAILED', `Could not decode the WebP: ${(e as Error).message}. The file may be damaged.`, { cause: e });
  }
  return { width: data.width, height: data.height, data: data.data };
}
