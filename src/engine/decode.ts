/**
 * Validate, then decode, then check the decoder's answer against the header:
 * the one path every platform takes from bytes to pixels (the browser worker
 * with its codecs, the CLI with sharp), so that both accept and refuse the
 * same files with the same codes (issue 11, items 3 and 5).
 */
import { WmError } from './errors';
import { verifyJpegScans } from './jpeg-scan';
import type { Limits } from './limits';
import { orientRgba } from './orient';
import type { RgbaImage } from './types';
import { validateInput, type ImageHeader } from './validate';

export interface DecodedPixels {
  image: RgbaImage;
  /** True when the decoder already applied the EXIF orientation. */
  oriented: boolean;
}

/** A platform's decoder: bytes (already validated) → 8-bit RGBA, not premultiplied. */
export type PixelDecoder = (bytes: Uint8Array, header: ImageHeader) => Promise<DecodedPixels>;

export interface ValidatedImage {
  image: RgbaImage;
  header: ImageHeader;
}

/**
 * `beforeDecode` runs after validation and before any pixel is decoded: the
 * place for checks that need the size but must not pay for decoding (the
 * app's memory budget).
 */
export async function decodeValidated(
  bytes: Uint8Array,
  limits: Limits,
  decoder: PixelDecoder,
  beforeDecode?: (header: ImageHeader) => void,
): Promise<ValidatedImage> {
  const header = validateInput(bytes, limits);
  beforeDecode?.(header);
  // Browsers paint the blocks a damaged JPEG lacks in grey; libjpeg refuses. Check first, so both refuse.
  if (header.format === 'jpeg') verifyJpegScans(bytes);
  const decoded = await decoder(bytes, header);
  let image = decoded.image;
  const stored = image.width === header.width && image.height === header.height;
  const display = image.width === header.displayWidth && image.height === header.displayHeight;
  // A decoder that says it does not orient but returns display-shaped pixels for a
  // quarter turn has oriented after all (a browser that learned WebP EXIF).
  const alreadyTurned = header.orientation >= 5 && display && !stored;
  if (!decoded.oriented && header.orientation !== 1 && !alreadyTurned) image = orientRgba(image, header.orientation);
  if (image.width !== header.displayWidth || image.height !== header.displayHeight) {
    throw new WmError(
      'E_DECODE_FAILED',
      `This ${header.format.toUpperCase()} file is damaged: its header says ${header.displayWidth} × ${header.displayHeight} pixels, but its data decodes to ${image.width} × ${image.height}.`,
    );
  }
  if (image.data.length !== image.width * image.height * 4) {
    throw new WmError('E_DECODE_FAILED', 'The decoder returned a pixel buffer of the wrong size.');
  }
  return { image, header };
}
