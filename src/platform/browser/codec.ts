/**
 * Decoding and encoding inside the worker with the browser's own codecs.
 * createImageBitmap applies EXIF orientation ('from-image'); premultiplyAlpha
 * 'none' and colorSpaceConversion 'none' keep the stored values, so a pixel the
 * remover does not touch comes back out as it went in.
 */
import { WmError } from '../../engine/errors';
import type { ImageFormat, RgbaImage } from '../../engine/types';

export async function decodeToRgba(blob: Blob): Promise<{ image: RgbaImage; bitmap: ImageBitmap }> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'none',
    });
  } catch (e) {
    throw new WmError('E_DECODE_FAILED', 'The browser could not decode this image. The file may be damaged.', { cause: e });
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new WmError('E_DECODE_FAILED', 'No 2D canvas is available to read the image.');
  ctx.drawImage(bitmap, 0, 0);
  const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
  return { image: { width: bitmap.width, height: bitmap.height, data }, bitmap };
}

export async function rgbaToBitmap(image: RgbaImage): Promise<ImageBitmap> {
  const imageData = new ImageData(image.data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height);
  return createImageBitmap(imageData, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
}

const MIME: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

export async function encodeRgba(image: RgbaImage, format: ImageFormat, quality = 0.95): Promise<Blob> {
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
