/** JPEG headers: frame size, EXIF orientation, colour components, ICC profile, and whether EOI is there. */
import { ascii, corrupt, exifOrientation, truncated, type RawHeader } from './header-bytes';

/** Markers with no length field: TEM, RST0-7, SOI, EOI. */
function isStandalone(m: number): boolean {
  return m === 0x01 || (m >= 0xd0 && m <= 0xd9);
}

/** SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
function isSof(m: number): boolean {
  return m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
}

export function readJpeg(b: Uint8Array): RawHeader {
  let pos = 2;
  let orientation = 1;
  let size: { width: number; height: number } | null = null;
  let cmyk = false;
  let hasIcc = false;
  while (pos < b.length) {
    if (b[pos] !== 0xff) {
      if (size) break;
      throw corrupt('jpeg', `expected a marker at byte ${pos}`);
    }
    // Any number of 0xFF fill bytes may precede a marker.
    while (pos < b.length && b[pos] === 0xff) pos++;
    if (pos >= b.length) break;
    const marker = b[pos++];
    if (isStandalone(marker)) {
      if (marker === 0xd9 && !size) throw corrupt('jpeg', 'it ends before its frame header');
      if (marker === 0xd9) break;
      continue;
    }
    if (pos + 2 > b.length) break;
    const len = (b[pos] << 8) | b[pos + 1];
    if (len < 2) throw corrupt('jpeg', 'a segment has an impossible length');
    const start = pos + 2;
    const end = pos + len;
    if (marker === 0xda) {
      // Start of scan: the headers are over.
      if (!size) throw corrupt('jpeg', 'the image data starts before the frame header');
      break;
    }
    if (end > b.length) break;
    if (marker === 0xe2 && len >= 14 && ascii(b, start, 11) === 'ICC_PROFILE') hasIcc = true;
    if (marker === 0xe1 && orientation === 1 && len >= 8 && ascii(b, start, 4) === 'Exif' && b[start + 4] === 0 && b[start + 5] === 0) {
      orientation = exifOrientation(b, start + 6, end);
    } else if (isSof(marker) && !size) {
      if (len < 8) throw corrupt('jpeg', 'the frame header is too short');
      size = { height: (b[start + 1] << 8) | b[start + 2], width: (b[start + 3] << 8) | b[start + 4] };
      cmyk = b[start + 5] === 4;
    }
    pos = end;
  }
  if (!size) throw truncated('jpeg');
  return { ...size, orientation, hasAlpha: false, cmyk, hasIcc };
}

/**
 * True when the JPEG has its EOI. Fast path: FF D9 at the end, after any zero
 * padding. Otherwise walk the segments and entropy-coded data to find EOI, so
 * data appended after it (motion photos, vendor trailers) is not mistaken for
 * truncation.
 */
export function jpegHasEnd(b: Uint8Array): boolean {
  let e = b.length;
  while (e > 0 && b[e - 1] === 0x00) e--;
  if (e >= 4 && b[e - 2] === 0xff && b[e - 1] === 0xd9) return true;
  let pos = 2;
  while (pos < b.length) {
    if (b[pos] !== 0xff) return false;
    while (pos < b.length && b[pos] === 0xff) pos++;
    if (pos >= b.length) return false;
    const marker = b[pos++];
    if (marker === 0xd9) return true;
    if (isStandalone(marker)) continue;
    if (pos + 2 > b.length) return false;
    pos += (b[pos] << 8) | b[pos + 1];
    if (pos > b.length) return false;
    if (marker !== 0xda) continue;
    // Entropy-coded data: FF 00 is a stuffed byte and FF D0-D7 a restart marker.
    while (pos < b.length) {
      if (b[pos] !== 0xff) {
        pos++;
        continue;
      }
      const next = b[pos + 1];
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) pos += 2;
      else if (next === 0xff) pos++;
      else break;
    }
  }
  return false;
}
