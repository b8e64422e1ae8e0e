/**
 * Decoding and encoding inside the worker. Both go through the engine's
 * decodeValidated (validation, JPEG scan check, decoded size against the
 * header, EXIF orientation), as the CLI does with sharp.
 *
 * - PNG: fast-png (png.ts), never the canvas, whose premultiplied storage
 *   changes RGB wherever α < 255 (issue 11, item 1); only a plain opaque
 *   8-bit PNG, which the browser decodes exactly, takes the faster native path.
 * - WebP with alpha: libwebp in WASM (webp.ts), for the same reason.
 * - JPEG, WebP: createImageBitmap + getImageData. Chromium orients JPEG itself
 *   ('from-image') but not WebP, so the engine orients WebP (issue 11, item 3).
 *   Colours follow engine/colour.ts: through an embedded ICC profile where
 *   there is one (as sharp does), stored values otherwise.
 */
import { decodeValidated, type PixelDecoder, type ValidatedImage } from '../../engine/decode';
import { WmError } from '../../engine/errors';
import type { Limits } from '../../engine/limits';
import type { ImageFormat, RgbaImage } from '../../engine/types';
import { checkMemoryBudget, type MemoryBudget } from '../../engine/memory';
import { checkFileSize } from '../../engine/validate';
import { decodePngRgba, encodePngRgba, isPlainOpaquePng } from './png';
import { decodeWebpRgba } from './webp';

/**
 * File → validated RGBA, and a bitmap to display it. The size is checked
 * before a byte is read (issue 11, item 4).
 */
export async function decodeFile(file: Blob, limits: Limits, budget?: MemoryBudget): Promise<ValidatedImage & { bitmap: ImageBitmap }> {
  checkFileSize(file.size, limits);
  const bytes = new Uint8Array(await file.arrayBuffer());
  // The browser's own bitmap can be shown as is when the engine kept its pixels (no re-orientation).
  const native: { decoded?: { image: RgbaImage; bitmap: ImageBitmap } } = {};
  const decoder: PixelDecoder = async (b, header) => {
    if (header.format === 'png' && !isPlainOpaquePng(b)) return { image: decodePngRgba(b), oriented: false };
    // Transparent WebP: libwebp in WASM keeps RGB under α; with a profile, the browser's colour engine wins (colour.ts).
    if (header.format === 'webp' && header.hasAlpha && !header.hasIcc) return { image: await decodeWebpRgba(b), oriented: false };
    native.decoded = await decodeWithBrowser(b, header.hasIcc);
    return { image: native.decoded.image, oriented: header.format === 'jpeg' };
  };
  let result: ValidatedImage;
  try {
    result = await decodeValidated(bytes, limits, decoder, (h) => {
      if (budget) checkMemoryBudget(h.displayWidth, h.displayHeight, budget);
    });
  } catch (e) {
    native.decoded?.bitmap.close();
    throw e;
  }
  if (native.decoded?.image === result.image) return { ...result, bitmap: native.decoded.bitmap };
  native.decoded?.bitmap.close();
  return { ...result, bitmap: await rgbaToBitmap(result.image) };
}

async function decodeWithBrowser(bytes: Uint8Array, hasIcc: boolean): Promise<{ image: RgbaImage; bitmap: ImageBitmap }> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
      imageOrientation: 'from-image',
      premultiplyAlpha: 'none',
      // engine/colour.ts: through the profile where there is one; Chromium's own CMYK formula otherwise.
      colorSpaceConversion: hasIcc ? 'default' : 'none',
    });
  } catch (e) {
    throw new WmError('E_DECODE_FAILED', 'The browser could not decode this image. The file may be damaged.', { cause: e });
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) {
    bitmap.close();
    throw new WmError('E_DECODE_FAILED', 'No 2D canvas is available to read the image.');
  }
  ctx.drawImage(bitmap, 0, 0);
  const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
  return { image: { width: bitmap.width, height: bitmap.height, data }, bitmap };
}

export async function rgbaToBitmap(image: RgbaImage): Promise<ImageBitmap> {
  const imageData = new ImageData(image.data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height);
  return createImageBitmap(imageData, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
}

const MIME: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** PNG through fast-png (bit-exact); JPEG and WebP through the canvas (lossy anyway). */
export async function encodeRgba(image: RgbaImage, format: ImageFormat, quality = 0.95): Promise<Blob> {
  if (format === 'png') return new Blob([encodePngRgba(image) as Uint8Array<ArrayBuffer>], { type: MIME.png });
  const canvas = new OffscreenCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new WmError('E_ENCODE_FAILED', 'No 2D canvas is available to encode the image.');
  ctx.putImageData(new ImageData(image.data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height), 0, 0);
  const blob = await canvas.convertToBlob({ type: MIME[format], quality });
  if (blob.type !== MIME[format]) {
    throw new WmError('E_ENCODE_FAILED', `This browser cannot encode ${format.toUpperCase()}; choose PNG.`);
  }
  return blob;
}
