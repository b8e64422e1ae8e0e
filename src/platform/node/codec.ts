/**
 * Decoding and encoding in Node with sharp (libvips). The counterpart of
 * platform/browser/codec.ts: both go through the engine's decodeValidated
 * (magic bytes, header, limits, JPEG scan check, then the decoded size against
 * the header, and EXIF orientation applied by the engine), so both platforms
 * accept and refuse the same files.
 */
import sharp from 'sharp';
import { cmykToRgba } from '../../engine/colour';
import { decodeValidated, type PixelDecoder, type ValidatedImage } from '../../engine/decode';
import { WmError } from '../../engine/errors';
import type { Limits } from '../../engine/limits';
import type { ImageFormat, Mask, RgbaImage } from '../../engine/types';

export type DecodedImage = ValidatedImage;

// libvips caches operations for repeated pipelines; a CLI decodes each file once.
sharp.cache(false);

/** Validate with the engine's rules, then decode to RGBA at full resolution, as stored (the engine orients). */
export async function decodeImage(bytes: Uint8Array, limits: Limits): Promise<DecodedImage> {
  const decoder: PixelDecoder = async (_, header) => ({
    // A CMYK JPEG without a profile: the engine's formula, the browser's (engine/colour.ts).
    image:
      header.cmyk && !header.hasIcc
        ? await decodeCmyk(bytes, limits.maxPixels)
        : await decodeRgba(bytes, limits.maxPixels, { orient: false, ignoreIcc: !header.hasIcc }),
    oriented: false,
  });
  return decodeValidated(bytes, limits, decoder);
}

/** A CMYK image's stored ink values (libvips un-inverts Adobe CMYK), then cmykToRgba. */
async function decodeCmyk(bytes: Uint8Array, maxPixels: number): Promise<RgbaImage> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels })
      .pipelineColourspace('cmyk')
      .toColourspace('cmyk')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`expected 4 CMYK channels, got ${info.channels}`);
    return cmykToRgba(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), info.width, info.height);
  } catch (e) {
    throw new WmError('E_DECODE_FAILED', `Could not decode the CMYK image: ${(e as Error).message}. The file may be damaged.`, { cause: e });
  }
}

/**
 * Any image sharp reads → interleaved 8-bit sRGB RGBA; an embedded ICC profile
 * converts to sRGB through it unless `ignoreIcc` (engine/colour.ts has the
 * policy: the engine's header says which profiles count). `orient: false` keeps the stored orientation (the engine applies
 * it); tests use the default, sharp's own rotation, as an independent check.
 */
export async function decodeRgba(bytes: Uint8Array, maxPixels: number, opts: { orient?: boolean; ignoreIcc?: boolean } = {}): Promise<RgbaImage> {
  try {
    let pipe = sharp(bytes, { limitInputPixels: maxPixels, ignoreIcc: opts.ignoreIcc ?? false });
    if (opts.orient !== false) pipe = pipe.rotate(); // EXIF orientation
    const { data, info } = await pipe
      .toColourspace('srgb') // greyscale / CMYK / 16-bit → 3 × 8-bit channels
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4 || data.byteLength !== info.width * info.height * 4) {
      throw new Error(`unexpected raw layout: ${info.channels} channels, ${data.byteLength} bytes`);
    }
    return { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    throw new WmError('E_DECODE_FAILED', `Could not decode the image: ${(e as Error).message}. The file may be damaged.`, { cause: e });
  }
}

export interface EncodeOptions {
  format: ImageFormat;
  /** 1-100. JPEG: default 92. WebP: lossless unless a quality below 100 is given. */
  quality?: number;
}

/** True when `format` at `quality` cannot keep pixels outside the mask bit-identical. */
export function isLossy(opts: EncodeOptions): boolean {
  return opts.format === 'jpeg' || (opts.format === 'webp' && opts.quality !== undefined && opts.quality < 100);
}

export async function encodeImage(image: RgbaImage, opts: EncodeOptions): Promise<Buffer> {
  const raw = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  let pipe = sharp(raw, { raw: { width: image.width, height: image.height, channels: 4 }, limitInputPixels: false });
  // An opaque image gets no alpha channel: smaller files, same pixels.
  if (opts.format === 'jpeg' || isOpaque(image)) pipe = pipe.removeAlpha();
  try {
    switch (opts.format) {
      case 'png':
        return await pipe.png({ compressionLevel: 6 }).toBuffer();
      case 'jpeg':
        return await pipe.jpeg({ quality: opts.quality ?? 92, chromaSubsampling: '4:4:4', mozjpeg: false }).toBuffer();
      case 'webp':
        return await (isLossy(opts)
          ? pipe.webp({ quality: opts.quality, alphaQuality: 100 })
          : pipe.webp({ lossless: true, exact: true })
        ).toBuffer();
    }
  } catch (e) {
    throw new WmError('E_ENCODE_FAILED', `Could not encode ${opts.format.toUpperCase()}: ${(e as Error).message}`, { cause: e });
  }
}

function isOpaque(image: RgbaImage): boolean {
  const d = image.data;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 255) return false;
  return true;
}

/**
 * Read a mask image: luminance of the image flattened on black, so a
 * transparent background means "keep". 0 = keep, 255 = replace, values in
 * between are a soft blend (as in the engine's Mask).
 */
export async function decodeMask(bytes: Uint8Array, maxPixels: number): Promise<Mask> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels })
      .rotate()
      .flatten({ background: '#000000' })
      .toColourspace('b-w')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1) throw new Error(`unexpected ${info.channels} channels`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    throw new WmError('E_DECODE_FAILED', `Could not decode the mask: ${(e as Error).message}`, { cause: e });
  }
}

/** A mask as an 8-bit greyscale PNG, white = mark. */
export async function encodeMaskPng(mask: Mask): Promise<Buffer> {
  const raw = Buffer.from(mask.data.buffer, mask.data.byteOffset, mask.data.byteLength);
  try {
    return await sharp(raw, { raw: { width: mask.width, height: mask.height, channels: 1 }, limitInputPixels: false })
      .png({ compressionLevel: 6 })
      .toBuffer();
  } catch (e) {
    throw new WmError('E_ENCODE_FAILED', `Could not encode the mask PNG: ${(e as Error).message}`, { cause: e });
  }
}
