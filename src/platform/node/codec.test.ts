/**
 * The validate-then-decode path (engine/decode.ts) with sharp as the decoder,
 * and the worker's PNG codec, each checked against sharp's own decode: an
 * independent path (libvips), never the code under test.
 */
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { gradientRgb } from '../../cli/fixtures';
import { verifyJpegScans } from '../../engine/jpeg-scan';
import { WmError } from '../../engine/errors';
import { DEFAULT_LIMITS } from '../../engine/limits';
import { validateInput } from '../../engine/validate';
import { orientRgba } from '../../engine/orient';
import type { RgbaImage } from '../../engine/types';
import { decodePngRgba, encodePngRgba, isPlainOpaquePng } from '../browser/png';
import { decodeImage, decodeRgba } from './codec';

const W = 48;
const H = 32;
const rgb = (w = W, h = H) => sharp(gradientRgb(w, h, 3), { raw: { width: w, height: h, channels: 3 } });

/** An RGBA gradient whose alpha runs 0..255 across x, with RGB that varies under α = 0 too. */
function rgbaGradient(w: number, h: number): Buffer {
  const buf = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      buf[o] = (x * 7 + y * 3) & 255;
      buf[o + 1] = (x * 3 + y * 11) & 255;
      buf[o + 2] = (x * 13 + y) & 255;
      buf[o + 3] = Math.round((x / (w - 1)) * 255);
    }
  }
  return buf;
}

const same = (a: RgbaImage, b: RgbaImage) => {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
};

describe('EXIF orientation, applied by the engine', () => {
  it.each([2, 3, 4, 5, 6, 7, 8])('orientation %i matches sharp.rotate()', async (orientation) => {
    const jpeg = await rgb().jpeg({ quality: 95 }).withMetadata({ orientation }).toBuffer();
    const ours = await decodeImage(jpeg, DEFAULT_LIMITS);
    const theirs = await decodeRgba(jpeg, 1e9); // sharp applies the orientation itself
    same(ours.image, theirs);
  });

  it('orientRgba: 6 then 8 is the identity, 3 twice is the identity', async () => {
    const img = await decodeRgba(await rgb().png().toBuffer(), 1e9);
    same(orientRgba(orientRgba(img, 6), 8), img);
    same(orientRgba(orientRgba(img, 3), 3), img);
  });

  it('applies WebP EXIF orientation (the header says 6: 48×32 stored, 32×48 shown)', async () => {
    const webp = await rgb().webp({ lossless: true }).withMetadata({ orientation: 6 }).toBuffer();
    const { image, header } = await decodeImage(webp, DEFAULT_LIMITS);
    expect(header.orientation).toBe(6);
    expect([image.width, image.height]).toEqual([H, W]);
  });
});

describe('damaged JPEGs are refused before decoding (issue 11, item 5)', () => {
  async function parts() {
    const jpeg = await rgb(480, 320).jpeg({ quality: 90 }).toBuffer();
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    return { jpeg, sof, sos };
  }

  it('a header patched to 4000×4000 over 480×320 data: E_DECODE_FAILED', async () => {
    const { jpeg, sof } = await parts();
    const patched = Buffer.from(jpeg);
    patched.writeUInt16BE(4000, sof + 5);
    patched.writeUInt16BE(4000, sof + 7);
    await expect(decodeImage(patched, DEFAULT_LIMITS)).rejects.toMatchObject({ code: 'E_DECODE_FAILED', message: /ends after/ });
  });

  it('a zeroed scan: E_DECODE_FAILED', async () => {
    const { jpeg, sos } = await parts();
    const zeroed = Buffer.from(jpeg);
    const dataStart = sos + 2 + zeroed.readUInt16BE(sos + 2);
    zeroed.fill(0, dataStart, zeroed.length - 2);
    await expect(decodeImage(zeroed, DEFAULT_LIMITS)).rejects.toMatchObject({ code: 'E_DECODE_FAILED' });
  });

  it.each([
    ['baseline 4:2:0', { quality: 80 }],
    ['baseline 4:4:4', { quality: 95, chromaSubsampling: '4:4:4' }],
    ['progressive', { quality: 85, progressive: true }],
    ['optimised Huffman', { quality: 85, optimiseCoding: true }],
    ['mozjpeg', { quality: 75, mozjpeg: true }],
  ] as const)('accepts a good %s JPEG, odd sizes included', async (_, opts) => {
    for (const [w, h] of [[480, 320], [17, 9], [1, 1], [333, 77]]) {
      verifyJpegScans(await rgb(w, h).jpeg(opts).toBuffer());
    }
  });

  it('accepts grey and CMYK JPEGs, refuses a restart interval with no restart markers', async () => {
    verifyJpegScans(await rgb(100, 60).toColourspace('b-w').jpeg().toBuffer());
    verifyJpegScans(await rgb(100, 60).toColourspace('cmyk').jpeg().toBuffer());
    const withDri = insertDri(await rgb(100, 60).jpeg({ quality: 90 }).toBuffer());
    expect(() => verifyJpegScans(withDri)).toThrow(/restart marker/);
  });

  it('checks a 12 MP JPEG in well under a second', async () => {
    const big = await rgb(4000, 3000).jpeg({ quality: 90 }).toBuffer();
    const t0 = performance.now();
    verifyJpegScans(big);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(3000);
    console.log(`verifyJpegScans 12 MP (${(big.length / 1e6).toFixed(1)} MB): ${ms.toFixed(0)} ms`);
  }, 60_000);
});

/**
 * A baseline greyscale JPEG written by hand, with a restart marker every
 * `interval` blocks (sharp cannot write restart markers). Tiny Huffman tables:
 * DC categories 0-2 in two bits, AC only EOB in one. Block b has DC diff (b % 5) - 2.
 */
function jpegWithRestarts(wBlocks: number, hBlocks: number, interval: number, opts: { dropRst?: number } = {}): Buffer {
  const bytes: number[] = [];
  let acc = 0;
  let n = 0;
  const put = (bits: number, len: number) => {
    for (let i = len - 1; i >= 0; i--) {
      acc = (acc << 1) | ((bits >> i) & 1);
      if (++n === 8) {
        bytes.push(acc);
        if (acc === 0xff) bytes.push(0);
        acc = 0;
        n = 0;
      }
    }
  };
  const padToByte = () => {
    while (n !== 0) put(1, 1);
  };
  const blocks = wBlocks * hBlocks;
  let rst = 0;
  for (let b = 0; b < blocks; b++) {
    if (b > 0 && b % interval === 0) {
      padToByte();
      if (rst !== opts.dropRst) bytes.push(0xff, 0xd0 + (rst % 8));
      rst++;
    }
    const diff = (b % 5) - 2;
    const cat = diff === 0 ? 0 : Math.abs(diff) === 1 ? 1 : 2;
    put(cat, 2); // DC codes: 00, 01, 10
    if (cat > 0) put(diff > 0 ? diff : diff + (1 << cat) - 1, cat);
    put(0, 1); // EOB
  }
  padToByte();
  const seg = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 255, ...body];
  const counts = (lens: Record<number, number>) => Array.from({ length: 16 }, (_, i) => lens[i + 1] ?? 0);
  const w = wBlocks * 8;
  const h = hBlocks * 8;
  return Buffer.from([
    0xff, 0xd8,
    ...seg(0xdb, [0, ...new Array(64).fill(1)]),
    ...seg(0xc0, [8, h >> 8, h & 255, w >> 8, w & 255, 1, 1, 0x11, 0]),
    ...seg(0xc4, [0x00, ...counts({ 2: 3 }), 0, 1, 2]),
    ...seg(0xc4, [0x10, ...counts({ 1: 1 }), 0x00]),
    ...seg(0xdd, [interval >> 8, interval & 255]),
    ...seg(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...bytes,
    0xff, 0xd9,
  ]);
}

describe('restart markers', () => {
  it('accepts a JPEG with a restart interval (libvips decodes it too), refuses one with a marker missing', async () => {
    for (const interval of [1, 2, 3, 7]) {
      const good = jpegWithRestarts(6, 4, interval);
      expect((await decodeImage(good, DEFAULT_LIMITS)).image.width).toBe(48);
      const bad = jpegWithRestarts(6, 4, interval, { dropRst: 1 });
      expect(() => verifyJpegScans(bad)).toThrow(/restart marker/);
    }
  });
});

/** Adds a DRI segment (interval 1) after SOI, without adding RST markers: a damaged file. */
function insertDri(jpeg: Buffer): Buffer {
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xdd, 0, 4, 0, 1]), jpeg.subarray(2)]);
}

describe('the worker PNG codec keeps every stored value (issue 11, item 1)', () => {
  it('decodes RGBA with RGB under α = 0 exactly as sharp does, and encodes it back losslessly', async () => {
    const raw = rgbaGradient(256, 64);
    const png = await sharp(raw, { raw: { width: 256, height: 64, channels: 4 } }).png().toBuffer();
    const ours = decodePngRgba(png);
    same(ours, await decodeRgba(png, 1e9));
    expect(Buffer.from(ours.data).equals(raw)).toBe(true);
    same(await decodeRgba(Buffer.from(encodePngRgba(ours)), 1e9), ours);
  });

  it.each([
    ['grey', (s: Sharp) => s.toColourspace('b-w').png()],
    ['palette 1-bit', (s: Sharp) => s.png({ palette: true, colours: 2 })],
    ['palette', (s: Sharp) => s.png({ palette: true, colours: 16 })],
    ['16-bit', (s: Sharp) => s.toColourspace('rgb16').png()],
    ['interlaced', (s: Sharp) => s.png({ progressive: true })],
  ] as const)('decodes %s PNGs as sharp does', async (_, make) => {
    const png = await make(rgb(37, 23)).toBuffer();
    same(decodePngRgba(png), await decodeRgba(png, 1e9));
  });

  it('decodes palette PNGs with tRNS and grey+alpha as sharp does', async () => {
    const raw = rgbaGradient(40, 10);
    const pal = await sharp(raw, { raw: { width: 40, height: 10, channels: 4 } }).png({ palette: true, colours: 8, dither: 0 }).toBuffer();
    same(decodePngRgba(pal), await decodeRgba(pal, 1e9));
    const ga = await sharp(raw, { raw: { width: 40, height: 10, channels: 4 } }).toColourspace('b-w').png().toBuffer();
    same(decodePngRgba(ga), await decodeRgba(ga, 1e9));
  });
});

describe('colour policy (issue 11, item 6)', () => {
  it("a CMYK JPEG without a profile decodes by Chromium's formula, not libvips' default CMYK profile", async () => {
    const jpeg = await rgb(64, 48).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
    const { data: cmyk } = await sharp(jpeg).pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer({ resolveWithObject: true });
    const { image } = await decodeImage(jpeg, DEFAULT_LIMITS);
    let diff = 0;
    for (let p = 0; p < 64 * 48; p++) {
      for (let k = 0; k < 3; k++) diff += Math.abs(image.data[p * 4 + k] - Math.floor(((255 - cmyk[p * 4 + k]) * (255 - cmyk[p * 4 + 3])) / 255));
    }
    expect(diff).toBe(0);
  });

  it('a CMYK JPEG with a profile goes through it (as sharp converts it)', async () => {
    const jpeg = await rgb(64, 48).toColourspace('cmyk').jpeg({ quality: 95 }).withIccProfile('cmyk').toBuffer();
    same((await decodeImage(jpeg, DEFAULT_LIMITS)).image, await decodeRgba(jpeg, 1e9));
  });
});

describe('isPlainOpaquePng: which PNGs may take the browser decoder', () => {
  it('only 8-bit grey/RGB with no alpha, colour or orientation chunks', async () => {
    expect(isPlainOpaquePng(await rgb().png().toBuffer())).toBe(true);
    expect(isPlainOpaquePng(await rgb().toColourspace('b-w').png().toBuffer())).toBe(true);
    expect(isPlainOpaquePng(await rgb().ensureAlpha().png().toBuffer())).toBe(false);
    expect(isPlainOpaquePng(await rgb().toColourspace('rgb16').png().toBuffer())).toBe(false);
    expect(isPlainOpaquePng(await rgb().png({ palette: true }).toBuffer())).toBe(false);
    expect(isPlainOpaquePng(await rgb().png().withMetadata({ orientation: 6 }).toBuffer())).toBe(false);
    expect(isPlainOpaquePng(await rgb().png().withIccProfile('p3').toBuffer())).toBe(false);
  });
});

describe('hostile bytes never crash or hang the checks', () => {
  it('500 JPEGs and PNGs with random bytes changed: validation and the scan check throw WmError or pass', async () => {
    const seeds = [await rgb(120, 80).jpeg({ quality: 80 }).toBuffer(), await rgb(120, 80).jpeg({ progressive: true }).toBuffer(), await rgb(120, 80).png().toBuffer()];
    let state = 12345;
    const rand = (n: number) => {
      state = (state * 1103515245 + 12345) >>> 0;
      return state % n;
    };
    const t0 = performance.now();
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(seeds[i % seeds.length]);
      for (let k = 0; k <= rand(8); k++) bytes[rand(bytes.length)] = rand(256);
      try {
        const header = validateInput(bytes, DEFAULT_LIMITS);
        if (header.format === 'jpeg') verifyJpegScans(bytes);
        if (header.format === 'png') decodePngRgba(bytes);
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(WmError);
      }
    }
    expect(performance.now() - t0).toBeLessThan(20_000);
  }, 60_000);
});
