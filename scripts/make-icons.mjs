#!/usr/bin/env node
/**
 * Writes the PWA icons (public/icons/*.png) with only Node built-ins: shapes are
 * drawn as signed distance fields (anti-aliased by coverage) and encoded as PNG
 * with zlib. Run: node scripts/make-icons.mjs
 */
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');

const BG = [0x14, 0x16, 0x1a];
const PANEL = [0x23, 0x27, 0x2e];
const ACCENT = [0x5b, 0x8c, 0xff];
const WHITE = [0xf2, 0xf4, 0xf8];

// --- PNG encoding ---------------------------------------------------------
const crcTable = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// --- Shapes as signed distances (negative inside), in units of the icon (0..1) ---
const sdRoundBox = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const sdSegment = (x, y, ax, ay, bx, by) => {
  const px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - t * dx, py - t * dy);
};
/** The "U": two vertical strokes joined by a half circle at the bottom. */
const sdU = (x, y, s) => {
  const cx = 0.5, top = 0.5 - 0.2 * s, bottomY = 0.5 + 0.08 * s, r = 0.17 * s, w = 0.075 * s;
  let d;
  if (y > bottomY) d = Math.abs(Math.hypot(x - cx, y - bottomY) - r);
  else d = Math.min(sdSegment(x, y, cx - r, top, cx - r, bottomY), sdSegment(x, y, cx + r, top, cx + r, bottomY));
  return d - w;
};
/** Four-point sparkle (the "clean" mark). */
const sdSparkle = (x, y, cx, cy, r) => {
  const dx = Math.abs(x - cx), dy = Math.abs(y - cy);
  // Astroid-like star: |x|^0.5 + |y|^0.5 = r^0.5
  const v = Math.sqrt(dx) + Math.sqrt(dy) - Math.sqrt(r);
  return v * Math.sqrt(r) * 0.9;
};

function blend(dst, i, rgb, coverage) {
  if (coverage <= 0) return;
  const a = Math.min(1, coverage);
  const da = dst[i + 3] / 255;
  const oa = a + da * (1 - a);
  for (let c = 0; c < 3; c++) dst[i + c] = Math.round((rgb[c] * a + dst[i + c] * da * (1 - a)) / (oa || 1));
  dst[i + 3] = Math.round(oa * 255);
}

function render(size, maskable) {
  const px = Buffer.alloc(size * size * 4);
  const aa = 1 / size; // one pixel, in icon units
  // Maskable icons keep the art inside the 80% safe circle and fill the whole square.
  const s = maskable ? 0.78 : 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size;
      const v = (y + 0.5) / size;
      const i = (y * size + x) * 4;
      const cov = (d) => Math.max(0, Math.min(1, 0.5 - d / aa));
      if (maskable) blend(px, i, BG, 1);
      else blend(px, i, BG, cov(sdRoundBox(u, v, 0.5, 0.5, 0.5, 0.5, 0.22)));
      blend(px, i, PANEL, cov(sdRoundBox(u, v, 0.5, 0.5, 0.34 * s, 0.34 * s, 0.09 * s)) * 0.9);
      blend(px, i, WHITE, cov(sdU(u, v, s)));
      blend(px, i, ACCENT, cov(sdSparkle(u, v, 0.5 + 0.25 * s, 0.5 - 0.25 * s, 0.11 * s)));
    }
  }
  return encodePng(size, px);
}

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'icon-192.png'), render(192, false));
writeFileSync(join(outDir, 'icon-512.png'), render(512, false));
writeFileSync(join(outDir, 'icon-512-maskable.png'), render(512, true));
console.log(`icons written to ${outDir}`);
