import { describe, expect, it } from 'vitest';
import { WmError } from './errors';
import { DEFAULT_LIMITS, MIN_LIMITS, type Limits } from './limits';
import { checkFileSize, readHeader, sniffFormat, validateInput } from './validate';

const enc = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const be16 = (v: number): number[] => [(v >> 8) & 255, v & 255];
const be32 = (v: number): number[] => [(v >>> 24) & 255, (v >> 16) & 255, (v >> 8) & 255, v & 255];
const le16 = (v: number): number[] => [v & 255, (v >> 8) & 255];
const le24 = (v: number): number[] => [v & 255, (v >> 8) & 255, (v >> 16) & 255];
const le32 = (v: number): number[] => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255];

function pngChunk(type: string, data: number[]): number[] {
  return [...be32(data.length), ...enc(type), ...data, 0, 0, 0, 0]; // CRC is not checked
}

function png(w: number, h: number, colourType = 2, extra: number[] = []): Uint8Array {
  return new Uint8Array([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ...pngChunk('IHDR', [...be32(w), ...be32(h), 8, colourType, 0, 0, 0]),
    ...extra,
    ...pngChunk('IDAT', [0x78, 0x9c, 0x03, 0x00]),
    ...pngChunk('IEND', []),
  ]);
}

/** A TIFF IFD0 holding only the orientation tag, in either byte order. */
function exif(orientation: number, littleEndian: boolean): number[] {
  const u16 = littleEndian ? le16 : be16;
  const u32 = littleEndian ? le32 : be32;
  const tiff = [
    ...enc(littleEndian ? 'II' : 'MM'), ...u16(42), ...u32(8),
    ...u16(2),
    ...u16(0x010f), ...u16(2), ...u32(4), ...u32(0), // Make: an unrelated tag first
    ...u16(0x0112), ...u16(3), ...u32(1), ...u16(orientation), 0, 0,
    ...u32(0),
  ];
  return [...enc('Exif'), 0, 0, ...tiff];
}

function jpeg(w: number, h: number, opts: { orientation?: number; littleEndian?: boolean; tail?: number[]; cut?: number } = {}): Uint8Array {
  const app1 = opts.orientation ? exif(opts.orientation, opts.littleEndian ?? false) : null;
  const bytes = [
    0xff, 0xd8,
    ...(app1 ? [0xff, 0xe1, ...be16(app1.length + 2), ...app1] : []),
    0xff, 0xdb, ...be16(67), 0, ...new Array(64).fill(1), // DQT
    0xff, 0xc0, ...be16(17), 8, ...be16(h), ...be16(w), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
    0xff, 0xda, ...be16(12), 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0,
    0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd0, 0x78, // entropy data with a stuffed byte and RST0
    0xff, 0xd9,
    ...(opts.tail ?? []),
  ];
  return new Uint8Array(opts.cut ? bytes.slice(0, opts.cut) : bytes);
}

function webpVp8x(w: number, h: number, alpha: boolean): Uint8Array {
  const payload = [alpha ? 0x10 : 0, 0, 0, 0, ...le24(w - 1), ...le24(h - 1)];
  const body = [...enc('WEBP'), ...enc('VP8X'), ...le32(payload.length), ...payload];
  return new Uint8Array([...enc('RIFF'), ...le32(body.length), ...body]);
}

/** VP8X with the EXIF flag, an image chunk and a trailing EXIF chunk (odd-sized, so padded). */
function webpVp8xExif(w: number, h: number, orientation: number, prefix: boolean): Uint8Array {
  const payload = [0x08, 0, 0, 0, ...le24(w - 1), ...le24(h - 1)];
  const image = [0x2f, 0, 0, 0, 0, 0, 0]; // 7 bytes: padded to 8
  const tiff = exif(orientation, true).slice(prefix ? 0 : 6);
  const body = [
    ...enc('WEBP'),
    ...enc('VP8X'), ...le32(payload.length), ...payload,
    ...enc('VP8L'), ...le32(image.length), ...image, 0,
    ...enc('EXIF'), ...le32(tiff.length), ...tiff, ...(tiff.length & 1 ? [0] : []),
  ];
  return new Uint8Array([...enc('RIFF'), ...le32(body.length), ...body]);
}

function webpVp8l(w: number, h: number, alpha: boolean): Uint8Array {
  const bits = ((w - 1) | ((h - 1) << 14) | ((alpha ? 1 : 0) << 28)) >>> 0;
  const payload = [0x2f, ...le32(bits), 0, 0, 0, 0, 0];
  const body = [...enc('WEBP'), ...enc('VP8L'), ...le32(payload.length), ...payload];
  return new Uint8Array([...enc('RIFF'), ...le32(body.length), ...body]);
}

function webpVp8(w: number, h: number): Uint8Array {
  const payload = [0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, ...le16(w), ...le16(h), 0, 0];
  const body = [...enc('WEBP'), ...enc('VP8 '), ...le32(payload.length), ...payload];
  return new Uint8Array([...enc('RIFF'), ...le32(body.length), ...body]);
}

function errorOf(fn: () => unknown): WmError {
  try {
    fn();
  } catch (e) {
    if (e instanceof WmError) return e;
    throw e;
  }
  throw new Error('expected a WmError');
}

describe('sniffFormat', () => {
  it('reads magic bytes, not names', () => {
    expect(sniffFormat(png(1, 1))).toBe('png');
    expect(sniffFormat(jpeg(1, 1))).toBe('jpeg');
    expect(sniffFormat(webpVp8x(1, 1, false))).toBe('webp');
    expect(sniffFormat(new Uint8Array(enc('hello, I am a .png really')))).toBeNull();
    expect(sniffFormat(new Uint8Array(enc('RIFF\0\0\0\0WAVE')))).toBeNull();
    expect(sniffFormat(new Uint8Array([0xff, 0xd8]))).toBeNull();
    expect(sniffFormat(new Uint8Array(0))).toBeNull();
  });
});

describe('readHeader', () => {
  it('reads PNG size and alpha from the colour type or tRNS', () => {
    expect(readHeader(png(640, 480, 2))).toEqual({
      format: 'png', width: 640, height: 480, orientation: 1, displayWidth: 640, displayHeight: 480, hasAlpha: false, frames: 1, cmyk: false, hasIcc: false,
    });
    expect(readHeader(png(3, 5, 6)).hasAlpha).toBe(true);
    expect(readHeader(png(3, 5, 3, pngChunk('PLTE', [0, 0, 0]))).hasAlpha).toBe(false);
    expect(readHeader(png(3, 5, 3, [...pngChunk('PLTE', [0, 0, 0]), ...pngChunk('tRNS', [0])])).hasAlpha).toBe(true);
  });

  it('reads JPEG SOF size and EXIF orientation in both byte orders', () => {
    const rotated = readHeader(jpeg(4000, 3000, { orientation: 6 }));
    expect(rotated).toEqual({
      format: 'jpeg', width: 4000, height: 3000, orientation: 6, displayWidth: 3000, displayHeight: 4000, hasAlpha: false, frames: 1, cmyk: false, hasIcc: false,
    });
    const le = readHeader(jpeg(120, 80, { orientation: 8, littleEndian: true }));
    expect([le.orientation, le.displayWidth, le.displayHeight]).toEqual([8, 80, 120]);
    const flipped = readHeader(jpeg(120, 80, { orientation: 3 }));
    expect([flipped.orientation, flipped.displayWidth]).toEqual([3, 120]);
    expect(readHeader(jpeg(33, 22)).orientation).toBe(1);
    // Out-of-range orientation values are ignored.
    expect(readHeader(jpeg(33, 22, { orientation: 9 })).orientation).toBe(1);
  });

  it('reads WebP VP8X, VP8L and VP8 headers', () => {
    expect(readHeader(webpVp8x(5000, 3001, true))).toMatchObject({ format: 'webp', width: 5000, height: 3001, hasAlpha: true });
    expect(readHeader(webpVp8x(7, 9, false)).hasAlpha).toBe(false);
    expect(readHeader(webpVp8l(16383, 2, true))).toMatchObject({ width: 16383, height: 2, hasAlpha: true });
    expect(readHeader(webpVp8l(300, 200, false)).hasAlpha).toBe(false);
    expect(readHeader(webpVp8(1920, 1080))).toMatchObject({ width: 1920, height: 1080, hasAlpha: false });
    expect(readHeader(webpVp8xExif(600, 400, 6, false))).toMatchObject({ orientation: 6, displayWidth: 400, displayHeight: 600 });
    expect(readHeader(webpVp8xExif(600, 400, 8, true)).orientation).toBe(8);
    expect(validateInput(webpVp8xExif(600, 400, 5, false), MIN_LIMITS).orientation).toBe(5);
  });

  it('throws E_TRUNCATED inside the header and E_UNSUPPORTED_FORMAT for damage', () => {
    expect(errorOf(() => readHeader(png(10, 10).slice(0, 20))).code).toBe('E_TRUNCATED');
    // Cut inside the DQT, before the SOF.
    expect(errorOf(() => readHeader(jpeg(10, 10).slice(0, 30))).code).toBe('E_TRUNCATED');
    expect(errorOf(() => readHeader(webpVp8x(10, 10, false).slice(0, 24))).code).toBe('E_TRUNCATED');
    // Scan data before any frame header.
    const noSof = new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2, 1, 2, 3, 0xff, 0xd9]);
    expect(errorOf(() => readHeader(noSof)).code).toBe('E_UNSUPPORTED_FORMAT');
    expect(errorOf(() => readHeader(new Uint8Array(enc('not an image')))).code).toBe('E_UNSUPPORTED_FORMAT');
  });
});

describe('validateInput', () => {
  const limits: Limits = { ...MIN_LIMITS };

  it('accepts valid files and returns their headers', () => {
    expect(validateInput(png(4096, 4096), limits).width).toBe(4096);
    expect(validateInput(jpeg(4000, 3000, { orientation: 6 }), limits).displayHeight).toBe(4000);
    expect(validateInput(webpVp8l(300, 200, true), limits).hasAlpha).toBe(true);
    expect(validateInput(webpVp8(1920, 1080), DEFAULT_LIMITS).format).toBe('webp');
  });

  it('rejects an empty file first', () => {
    expect(errorOf(() => validateInput(new Uint8Array(0), limits)).code).toBe('E_EMPTY_FILE');
  });

  it('rejects a file over the byte limit with both sizes in the message', () => {
    const big = new Uint8Array(Math.round(12.3 * 1024 * 1024));
    big.set(png(10, 10));
    const e = errorOf(() => validateInput(big, limits));
    expect(e.code).toBe('E_FILE_TOO_LARGE');
    expect(e.message).toBe('This file is 12.3 MB; the limit is 10 MB.');
    // Size is checked before the format, even for junk.
    expect(errorOf(() => validateInput(new Uint8Array(11 * 1024 * 1024), limits)).code).toBe('E_FILE_TOO_LARGE');
  });

  it('rejects a text file renamed .png and formats the limits exclude', () => {
    const e = errorOf(() => validateInput(new Uint8Array(enc('just some text\n')), limits));
    expect(e.code).toBe('E_UNSUPPORTED_FORMAT');
    expect(e.message).toBe('This file is not a JPEG, PNG or WebP image.');
    const noWebp: Limits = { ...limits, formats: ['jpeg', 'png'] };
    const w = errorOf(() => validateInput(webpVp8x(10, 10, false), noWebp));
    expect(w.code).toBe('E_UNSUPPORTED_FORMAT');
    expect(w.message).toBe('WebP files are not accepted here; use JPEG or PNG.');
  });

  it('detects truncated files of each format', () => {
    const j = jpeg(100, 100);
    // Cut inside the entropy-coded data: the header is complete, EOI is missing.
    expect(errorOf(() => validateInput(j.slice(0, j.length - 4), limits)).code).toBe('E_TRUNCATED');
    const p = png(100, 100);
    expect(errorOf(() => validateInput(p.slice(0, p.length - 12), limits)).code).toBe('E_TRUNCATED');
    expect(errorOf(() => validateInput(p.slice(0, p.length - 5), limits)).code).toBe('E_TRUNCATED');
    const w = webpVp8l(100, 100, false);
    expect(errorOf(() => validateInput(w.slice(0, w.length - 4), limits)).code).toBe('E_TRUNCATED');
  });

  it('accepts JPEG padding and trailers after EOI', () => {
    expect(validateInput(jpeg(100, 100, { tail: [0, 0, 0, 0] }), limits).width).toBe(100);
    // A motion-photo style trailer: arbitrary bytes after EOI, found by walking the scan.
    expect(validateInput(jpeg(100, 100, { tail: [...enc('ftypmp42'), 1, 2, 3, 0xff, 0x12] }), limits).width).toBe(100);
  });

  it('checks dimensions against the limits in either orientation', () => {
    const e = errorOf(() => validateInput(png(5000, 100), limits));
    expect(e.code).toBe('E_DIMENSIONS_TOO_LARGE');
    expect(e.message).toBe('This image is 5000 × 100 pixels; the largest accepted is 4096 × 4096.');
    const landscape: Limits = { ...limits, maxWidth: 6000, maxHeight: 4000, maxPixels: 24_000_000 };
    expect(validateInput(png(6000, 4000), landscape).width).toBe(6000);
    // A portrait photo of the same size is the same amount of work.
    expect(validateInput(png(4000, 6000), landscape).height).toBe(6000);
    expect(errorOf(() => validateInput(png(6001, 100), landscape)).code).toBe('E_DIMENSIONS_TOO_LARGE');
    const px = errorOf(() => validateInput(png(4096, 4096), { ...limits, maxPixels: 12_000_000 }));
    expect(px.code).toBe('E_DIMENSIONS_TOO_LARGE');
    expect(px.message).toBe('This image has 16.8 MP (4096 × 4096); the limit is 12 MP.');
    expect(errorOf(() => validateInput(png(0, 10), limits)).code).toBe('E_DIMENSIONS_TOO_LARGE');
    expect(errorOf(() => validateInput(jpeg(10, 0), limits)).code).toBe('E_DIMENSIONS_TOO_LARGE');
  });

  it('reports truncation before dimensions', () => {
    const p = png(100000, 100000);
    expect(errorOf(() => validateInput(p.slice(0, p.length - 12), limits)).code).toBe('E_TRUNCATED');
  });
});

describe('animated images (issue 11)', () => {
  it('refuses an APNG with more than one frame and an animated WebP with E_ANIMATED', () => {
    const actl = (frames: number) => pngChunk('acTL', [...be32(frames), ...be32(0)]);
    expect(readHeader(png(8, 8, 6, actl(3))).frames).toBe(3);
    expect(() => validateInput(png(8, 8, 6, actl(3)), DEFAULT_LIMITS)).toThrow(expect.objectContaining({ code: 'E_ANIMATED' }));
    // A one-frame APNG is a still image.
    expect(validateInput(png(8, 8, 6, actl(1)), DEFAULT_LIMITS).frames).toBe(1);
    const anim = webpVp8x(8, 8, false);
    anim[20] |= 0x02; // VP8X animation flag
    expect(() => validateInput(anim, DEFAULT_LIMITS)).toThrow(expect.objectContaining({ code: 'E_ANIMATED' }));
  });
});

describe('checkFileSize (issue 11, item 4)', () => {
  it('refuses by size alone, before any byte is read', () => {
    expect(() => checkFileSize(3 * 1024 ** 3, DEFAULT_LIMITS)).toThrow(expect.objectContaining({ code: 'E_FILE_TOO_LARGE' }));
    expect(() => checkFileSize(0, DEFAULT_LIMITS)).toThrow(expect.objectContaining({ code: 'E_EMPTY_FILE' }));
    expect(() => checkFileSize(DEFAULT_LIMITS.maxBytes, DEFAULT_LIMITS)).not.toThrow();
  });
});
