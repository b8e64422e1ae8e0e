/**
 * The hostile corpus (issue 11): bad and odd inputs made on the fly with sharp
 * and by patching bytes, each with the outcome both platforms must give: a
 * refusal code, or an image of a known display size. The CLI test runs every
 * entry (src/cli/corpus.test.ts); the browser test runs those marked `browser`
 * (e2e/corpus.spec.ts). Seeded gradients only, so every run makes the same bytes.
 */
import { crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

export type Outcome = { ok: true; width: number; height: number } | { ok: false; code: string };

export interface CorpusEntry {
  /** File name, unique by stem (the CLI looks masks up by stem). */
  name: string;
  bytes: Buffer;
  expect: Outcome;
  /** Also run in the browser test (which is slower per file). */
  browser?: boolean;
  why: string;
}

const ok = (width: number, height: number): Outcome => ({ ok: true, width, height });
const refused = (code: string): Outcome => ({ ok: false, code });

/** A textured gradient; `alpha` adds an alpha ramp across x with colour left under α = 0. */
function gradient(w: number, h: number, opts: { alpha?: boolean } = {}): Sharp {
  const ch = opts.alpha ? 4 : 3;
  const buf = Buffer.alloc(w * h * ch);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * ch;
      buf[o] = (x * 255) / Math.max(1, w - 1);
      buf[o + 1] = (y * 255) / Math.max(1, h - 1);
      buf[o + 2] = (x * 7 + y * 13) & 255;
      if (opts.alpha) buf[o + 3] = Math.round((x / Math.max(1, w - 1)) * 255);
    }
  }
  return sharp(buf, { raw: { width: w, height: h, channels: ch } });
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** PNG chunks after the signature: [{type, data}]. */
function chunks(png: Buffer): Array<{ type: string; data: Buffer }> {
  const out: Array<{ type: string; data: Buffer }> = [];
  for (let pos = 8; pos + 12 <= png.length; ) {
    const len = png.readUInt32BE(pos);
    out.push({ type: png.toString('latin1', pos + 4, pos + 8), data: png.subarray(pos + 8, pos + 8 + len) });
    pos += 12 + len;
  }
  return out;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An APNG of `frames` frames, each the same picture (acTL, fcTL, IDAT, then fcTL + fdAT). */
function apng(png: Buffer, frames: number): Buffer {
  const cs = chunks(png);
  const ihdr = cs.find((c) => c.type === 'IHDR')!.data;
  const idat = Buffer.concat(cs.filter((c) => c.type === 'IDAT').map((c) => c.data));
  const acTL = Buffer.alloc(8);
  acTL.writeUInt32BE(frames, 0);
  let seq = 0;
  const fcTL = () => {
    const b = Buffer.alloc(26);
    b.writeUInt32BE(seq++, 0);
    ihdr.copy(b, 4, 0, 8); // width, height
    b.writeUInt16BE(1, 20); // delay 1/10 s
    b.writeUInt16BE(10, 22);
    return chunk('fcTL', b);
  };
  const parts = [SIGNATURE, chunk('IHDR', ihdr), chunk('acTL', acTL), fcTL(), chunk('IDAT', idat)];
  for (let f = 1; f < frames; f++) {
    parts.push(fcTL());
    const s = Buffer.alloc(4);
    s.writeUInt32BE(seq++, 0);
    parts.push(chunk('fdAT', Buffer.concat([s, idat])));
  }
  parts.push(chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/** A PNG whose IHDR claims w×h over a tiny deflate stream of zeros (a decompression bomb). */
async function pngBomb(w: number, h: number): Promise<Buffer> {
  const small = await gradient(8, 8).png().toBuffer();
  const cs = chunks(small);
  const ihdr = Buffer.from(cs[0].data);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), ...cs.slice(1).map((c) => chunk(c.type, c.data))]);
}

function patchJpegSize(jpeg: Buffer, w: number, h: number): Buffer {
  const out = Buffer.from(jpeg);
  const sof = out.indexOf(Buffer.from([0xff, 0xc0]));
  out.writeUInt16BE(h, sof + 5);
  out.writeUInt16BE(w, sof + 7);
  return out;
}

function zeroScan(jpeg: Buffer): Buffer {
  const out = Buffer.from(jpeg);
  const sos = out.indexOf(Buffer.from([0xff, 0xda]));
  out.fill(0, sos + 2 + out.readUInt16BE(sos + 2), out.length - 2);
  return out;
}

const cut = (b: Buffer, share: number) => b.subarray(0, Math.floor(b.length * share));

export async function makeHostileCorpus(): Promise<CorpusEntry[]> {
  const W = 96;
  const H = 64;
  const png = await gradient(W, H).png().toBuffer();
  const rgba = await gradient(W, H, { alpha: true }).png().toBuffer();
  const jpeg = await gradient(W, H).jpeg({ quality: 90 }).toBuffer();
  const bigJpeg = await gradient(480, 320).jpeg({ quality: 90 }).toBuffer();
  const webp = await gradient(W, H).webp({ quality: 80 }).toBuffer();
  const e: CorpusEntry[] = [];
  const add = (name: string, bytes: Buffer, expect: Outcome, why: string, browser = false) => e.push({ name, bytes, expect, why, browser });

  // ---- good files, every flavour: accepted at their display size
  add('png-rgb.png', png, ok(W, H), 'plain RGB PNG', true);
  add('png-rgba.png', rgba, ok(W, H), 'RGBA ramp, colour under α = 0', true);
  add('png-grey.png', await gradient(W, H).toColourspace('b-w').png().toBuffer(), ok(W, H), 'greyscale PNG');
  add('png-grey-alpha.png', await gradient(W, H, { alpha: true }).toColourspace('b-w').png().toBuffer(), ok(W, H), 'grey + alpha');
  add('png-palette.png', await gradient(W, H).png({ palette: true, colours: 16 }).toBuffer(), ok(W, H), 'palette PNG');
  add('png-palette-trns.png', await gradient(W, H, { alpha: true }).png({ palette: true, colours: 16 }).toBuffer(), ok(W, H), 'palette + tRNS', true);
  add('png-16bit.png', await gradient(W, H).toColourspace('rgb16').png().toBuffer(), ok(W, H), '16-bit RGB', true);
  add('png-16bit-rgba.png', await gradient(W, H, { alpha: true }).toColourspace('rgb16').png().toBuffer(), ok(W, H), '16-bit RGBA');
  add('png-interlaced.png', await gradient(W, H).png({ progressive: true }).toBuffer(), ok(W, H), 'Adam7 interlaced');
  add('png-1x1.png', await gradient(1, 1).png().toBuffer(), ok(1, 1), 'one pixel');
  add('png-tall.png', await gradient(3, 500).png().toBuffer(), ok(3, 500), 'extreme aspect ratio');
  add('apng-one-frame.png', apng(png, 1), ok(W, H), 'an APNG of one frame is a still image');
  add('jpeg-baseline.jpg', jpeg, ok(W, H), 'baseline JPEG', true);
  add('jpeg-progressive.jpg', await gradient(W, H).jpeg({ progressive: true }).toBuffer(), ok(W, H), 'progressive JPEG');
  add('jpeg-444.jpg', await gradient(W, H).jpeg({ chromaSubsampling: '4:4:4' }).toBuffer(), ok(W, H), '4:4:4 JPEG');
  add('jpeg-grey.jpg', await gradient(W, H).toColourspace('b-w').jpeg().toBuffer(), ok(W, H), 'greyscale JPEG');
  add('jpeg-cmyk.jpg', await gradient(W, H).toColourspace('cmyk').jpeg().toBuffer(), ok(W, H), 'CMYK JPEG', true);
  add('jpeg-cmyk-icc.jpg', await gradient(W, H).toColourspace('cmyk').jpeg().withIccProfile('cmyk').toBuffer(), ok(W, H), 'CMYK JPEG with its ICC profile', true);
  add('jpeg-p3.jpg', await gradient(W, H).jpeg().withIccProfile('p3').toBuffer(), ok(W, H), 'Display P3 JPEG');
  add('jpeg-mozjpeg.jpg', await gradient(W, H).jpeg({ mozjpeg: true }).toBuffer(), ok(W, H), 'mozjpeg (trellis, progressive)');
  add('jpeg-odd-size.jpg', await gradient(17, 9).jpeg().toBuffer(), ok(17, 9), 'size not a multiple of the MCU');
  add('jpeg-trailer.jpg', Buffer.concat([jpeg, Buffer.from('MOTIONPHOTO'.repeat(50))]), ok(W, H), 'data after EOI (motion photo)');
  for (let o = 1; o <= 8; o++) {
    const swap = o >= 5;
    add(`jpeg-exif-${o}.jpg`, await gradient(W, H).jpeg().withMetadata({ orientation: o }).toBuffer(), swap ? ok(H, W) : ok(W, H), `EXIF orientation ${o}`, o === 6 || o === 3);
  }
  add('png-exif-6.png', await gradient(W, H, { alpha: true }).png().withMetadata({ orientation: 6 }).toBuffer(), ok(H, W), 'PNG with an eXIf orientation 6', true);
  add('webp-lossy.webp', webp, ok(W, H), 'lossy WebP');
  add('webp-lossless.webp', await gradient(W, H).webp({ lossless: true }).toBuffer(), ok(W, H), 'lossless WebP');
  add('webp-alpha.webp', await gradient(W, H, { alpha: true }).webp({ lossless: true, exact: true }).toBuffer(), ok(W, H), 'lossless WebP with alpha', true);
  add('webp-exif-6.webp', await gradient(W, H).webp({ lossless: true }).withMetadata({ orientation: 6 }).toBuffer(), ok(H, W), 'WebP with EXIF orientation 6', true);
  add('webp-exif-3.webp', await gradient(W, H).webp({ lossless: true }).withMetadata({ orientation: 3 }).toBuffer(), ok(W, H), 'WebP with EXIF orientation 3');
  add('mislabelled-jpeg.png', jpeg, ok(W, H), 'a JPEG named .png: content decides', true);
  add('mislabelled-png.jpg', png, ok(W, H), 'a PNG named .jpg');
  add('mislabelled-webp.jpeg', webp, ok(W, H), 'a WebP named .jpeg');
  add('name with spaces.png', png, ok(W, H), 'spaces in the name');
  add('ünïcødé-名前.png', png, ok(W, H), 'non-ASCII name');
  add('-leading-dash.png', png, ok(W, H), 'a name that looks like an option');
  add("quote's #1 %20.png", png, ok(W, H), 'quote, hash and percent in the name');
  add('polyglot-png-zip.png', Buffer.concat([png, Buffer.from('PK\x03\x04 zip payload after IEND')]), ok(W, H), 'PNG with a ZIP appended');

  // ---- not images, or not ours
  add('empty.png', Buffer.alloc(0), refused('E_EMPTY_FILE'), 'zero bytes', true);
  add('text.png', Buffer.from('this is not an image\n'.repeat(10)), refused('E_UNSUPPORTED_FORMAT'), 'text named .png');
  add('gif.png', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), refused('E_UNSUPPORTED_FORMAT'), 'GIF named .png', true);
  add('bmp.jpg', Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)]), refused('E_UNSUPPORTED_FORMAT'), 'BMP named .jpg');
  add('svg.png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), refused('E_UNSUPPORTED_FORMAT'), 'SVG named .png');
  add('pdf.jpg', Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\n'), refused('E_UNSUPPORTED_FORMAT'), 'PDF named .jpg');
  add('html-then-png.png', Buffer.concat([Buffer.from('<html><body>hi</body></html>'), png]), refused('E_UNSUPPORTED_FORMAT'), 'HTML polyglot with a PNG inside');
  add('png-not-ihdr.png', Buffer.concat([SIGNATURE, chunk('tEXt', Buffer.from('a\0b')), ...chunks(png).map((c) => chunk(c.type, c.data))]), refused('E_UNSUPPORTED_FORMAT'), 'PNG whose first chunk is not IHDR');
  add('webp-bad-chunk.webp', Buffer.concat([Buffer.from('RIFF'), Buffer.from([22, 0, 0, 0]), Buffer.from('WEBPVP8Z'), Buffer.alloc(14)]), refused('E_UNSUPPORTED_FORMAT'), 'WebP with an unknown first chunk');

  // ---- truncated
  add('trunc-jpeg-10.jpg', cut(bigJpeg, 0.1), refused('E_TRUNCATED'), 'JPEG cut at 10 %');
  add('trunc-jpeg-60.jpg', cut(bigJpeg, 0.6), refused('E_TRUNCATED'), 'JPEG cut at 60 %', true);
  add('trunc-jpeg-soi.jpg', Buffer.from([0xff, 0xd8, 0xff]), refused('E_TRUNCATED'), 'JPEG of three bytes');
  add('trunc-png-half.png', cut(png, 0.5), refused('E_TRUNCATED'), 'PNG cut in half', true);
  add('trunc-png-sig.png', SIGNATURE, refused('E_TRUNCATED'), 'PNG signature only');
  add('trunc-webp.webp', cut(webp, 0.5), refused('E_TRUNCATED'), 'WebP cut in half');

  // ---- damaged inside
  add('jpeg-header-4000.jpg', patchJpegSize(bigJpeg, 4000, 4000), refused('E_DECODE_FAILED'), 'header patched to 4000×4000 over 480×320 data', true);
  add('jpeg-zeroed-scan.jpg', zeroScan(bigJpeg), refused('E_DECODE_FAILED'), 'scan data zeroed', true);
  add('jpeg-zero-size.jpg', patchJpegSize(jpeg, 0, 0), refused('E_DIMENSIONS_TOO_LARGE'), 'SOF says 0×0');
  const badCrc = Buffer.from(png);
  badCrc[badCrc.indexOf(Buffer.from('IDAT')) + 10] ^= 0xff;
  add('png-bad-idat.png', badCrc, refused('E_DECODE_FAILED'), 'a flipped byte inside IDAT', true);

  // ---- bombs and limits (48 MP is the default limit)
  add('bomb-png-100k.png', await pngBomb(100_000, 100_000), refused('E_DIMENSIONS_TOO_LARGE'), 'PNG header claims 100,000²', true);
  add('bomb-png-49mp.png', await pngBomb(7000, 7000), refused('E_DIMENSIONS_TOO_LARGE'), '49 MP PNG header');
  add('bomb-jpeg-65k.jpg', patchJpegSize(jpeg, 65_535, 65_535), refused('E_DIMENSIONS_TOO_LARGE'), 'JPEG header claims 65,535²');
  add('bomb-webp-16k.webp', await gradient(16, 16).webp({ lossless: true }).toBuffer().then((b) => {
    const out = Buffer.from(b);
    // VP8L: 14-bit width-1 and height-1 right after the signature byte.
    const bits = (16383 - 1) | ((16383 - 1) << 14);
    out.writeUInt32LE((out.readUInt32LE(21) & 0xf0000000) | bits, 21);
    return out;
  }), refused('E_DIMENSIONS_TOO_LARGE'), 'WebP header claims 16,383²');

  // ---- animation: refused with a code, never silently the first frame
  add('apng-3-frames.png', apng(png, 3), refused('E_ANIMATED'), 'APNG of three frames', true);
  add('webp-animated.webp', await sharp([await gradient(W, H).png().toBuffer(), await gradient(W, H).flop().png().toBuffer()], { join: { animated: true } }).webp().toBuffer(), refused('E_ANIMATED'), 'animated WebP of two frames', true);
  return e;
}
