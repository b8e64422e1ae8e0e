#!/usr/bin/env node
/**
 * Regenerates the committed e2e fixtures in e2e/fixtures/:
 *
 *   photo-text.jpg   1024×768 photo-like JPEG with a "© SAMPLE STOCK" watermark
 *   photo-text.png    640×480 photo-like PNG with the same kind of watermark
 *                    (PNG so the "pixels outside the mask are bit-identical" check is exact)
 *   photo-clean.png  photo-text.png before the watermark was drawn: the ground truth
 *                    that a removal should get closer to
 *   truncated.jpg    the first half of photo-text.jpg
 *   not-an-image.png a text file with an image extension
 *   fixtures.json    size, format and the watermark text's ink box of each image
 *
 * The images are drawn and encoded by Chromium itself (canvas + toBlob), so they
 * decode exactly as the app decodes them. The drawing is seeded: rerunning gives
 * the same pictures, though a different Chromium may encode different bytes.
 *
 *   node e2e/make-fixtures.mjs
 *
 * Uses Debian's Chromium (CHROMIUM_PATH overrides /usr/bin/chromium).
 */
import { chromium } from '@playwright/test';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const outDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MAX_BYTES = 300 * 1024;

/** Each spec: the canvas size, the encoding and where the watermark goes. */
const specs = [
  { file: 'photo-text.jpg', type: 'image/jpeg', quality: 0.85, width: 1024, height: 768, seed: 7, fontPx: 72, textAlpha: 0.6, at: [0.5, 0.62] },
  { file: 'photo-text.png', clean: 'photo-clean.png', type: 'image/png', quality: undefined, width: 640, height: 480, seed: 11, fontPx: 48, textAlpha: 0.6, at: [0.5, 0.58] },
];
const TEXT = '© SAMPLE STOCK';

/**
 * Runs in the page: paints a seeded "landscape" (sky gradient, sun, hills,
 * blurred blobs, mild noise), then the watermark, and returns the encoded bytes
 * and the text's ink box measured with measureText.
 */
async function draw({ type, quality, width, height, seed, fontPx, textAlpha, at, text, clean }) {
  let s = seed >>> 0;
  const rand = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });

  const sky = ctx.createLinearGradient(0, 0, 0, height * 0.7);
  sky.addColorStop(0, '#2d5f9a');
  sky.addColorStop(0.6, '#7fa8d1');
  sky.addColorStop(1, '#e8c9a0');
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, width, height);

  const sun = ctx.createRadialGradient(width * 0.78, height * 0.22, 0, width * 0.78, height * 0.22, height * 0.18);
  sun.addColorStop(0, 'rgba(255,246,214,1)');
  sun.addColorStop(1, 'rgba(255,246,214,0)');
  ctx.fillStyle = sun;
  ctx.fillRect(0, 0, width, height);

  const hillColors = ['#4f6b3a', '#3d5a2e', '#2c4422', '#24381c'];
  hillColors.forEach((color, i) => {
    const base = height * (0.5 + i * 0.12);
    const amp = height * (0.05 + rand() * 0.05);
    const f1 = 1 + rand() * 3;
    const f2 = 3 + rand() * 5;
    const p = rand() * Math.PI * 2;
    ctx.beginPath();
    ctx.moveTo(0, height);
    for (let x = 0; x <= width; x += 4) {
      const u = x / width;
      ctx.lineTo(x, base - amp * Math.sin(u * Math.PI * f1 + p) - amp * 0.3 * Math.sin(u * Math.PI * f2));
    }
    ctx.lineTo(width, height);
    ctx.closePath();
    const g = ctx.createLinearGradient(0, base - amp, 0, height);
    g.addColorStop(0, color);
    g.addColorStop(1, '#1a2414');
    ctx.fillStyle = g;
    ctx.fill();
  });

  ctx.filter = `blur(${Math.round(width / 200)}px)`;
  for (let i = 0; i < 40; i++) {
    const x = rand() * width;
    const y = height * (0.55 + rand() * 0.45);
    const r = (0.01 + rand() * 0.03) * width;
    ctx.fillStyle = `hsl(${80 + rand() * 60}, ${30 + rand() * 30}%, ${15 + rand() * 25}%)`;
    ctx.beginPath();
    ctx.ellipse(x, y, r, r * 0.7, 0, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.filter = 'none';

  // Mild sensor noise so it is not a flat synthetic picture (kept small for file size).
  const img = ctx.getImageData(0, 0, width, height);
  const amp = type === 'image/png' ? 0 : 6;
  if (amp > 0) {
    for (let i = 0; i < img.data.length; i += 4) {
      const n = (rand() - 0.5) * amp;
      img.data[i] += n;
      img.data[i + 1] += n;
      img.data[i + 2] += n;
    }
    ctx.putImageData(img, 0, 0);
  }

  const encode = () =>
    new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), type, quality))
      .then((b) => b.arrayBuffer())
      .then((buf) => Array.from(new Uint8Array(buf)));
  const cleanBytes = clean ? await encode() : null;

  // The watermark: semi-transparent white text with a faint dark edge, like stock previews.
  ctx.font = `bold ${fontPx}px "DejaVu Sans", sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  const tx = Math.round(width * at[0]);
  const ty = Math.round(height * at[1]);
  const m = ctx.measureText(text);
  const stroke = Math.max(1, Math.round(fontPx / 24));
  ctx.lineWidth = stroke;
  ctx.strokeStyle = `rgba(0,0,0,${textAlpha * 0.5})`;
  ctx.strokeText(text, tx, ty);
  ctx.fillStyle = `rgba(255,255,255,${textAlpha})`;
  ctx.fillText(text, tx, ty);
  const pad = stroke;
  const x0 = Math.floor(tx - m.actualBoundingBoxLeft - pad);
  const y0 = Math.floor(ty - m.actualBoundingBoxAscent - pad);
  const x1 = Math.ceil(tx + m.actualBoundingBoxRight + pad);
  const y1 = Math.ceil(ty + m.actualBoundingBoxDescent + pad);

  const bytes = await encode();
  return { bytes, cleanBytes, box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } };
}

async function main() {
  await mkdir(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath,
    args: ['--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const manifest = {};
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>fixtures</title>');
    await page.evaluate(() => document.fonts.ready);
    for (const spec of specs) {
      const { bytes, cleanBytes, box } = await page.evaluate(draw, { ...spec, text: TEXT });
      const buf = Buffer.from(bytes);
      if (buf.length > MAX_BYTES) throw new Error(`${spec.file} is ${buf.length} bytes, over ${MAX_BYTES}`);
      await writeFile(join(outDir, spec.file), buf);
      manifest[spec.file] = {
        width: spec.width,
        height: spec.height,
        format: spec.type === 'image/png' ? 'png' : 'jpeg',
        bytes: buf.length,
        text: TEXT,
        textBox: box,
      };
      console.log(`${spec.file}: ${buf.length} bytes, text box ${JSON.stringify(box)}`);
      if (spec.clean && cleanBytes) {
        const cleanBuf = Buffer.from(cleanBytes);
        if (cleanBuf.length > MAX_BYTES) throw new Error(`${spec.clean} is ${cleanBuf.length} bytes, over ${MAX_BYTES}`);
        await writeFile(join(outDir, spec.clean), cleanBuf);
        manifest[spec.file].clean = spec.clean;
        manifest[spec.clean] = { width: spec.width, height: spec.height, format: 'png', bytes: cleanBuf.length, cleanOf: spec.file };
        console.log(`${spec.clean}: ${cleanBuf.length} bytes`);
      }
    }
  } finally {
    await browser.close();
  }

  const jpeg = manifest['photo-text.jpg'];
  const { readFile } = await import('node:fs/promises');
  const full = await readFile(join(outDir, 'photo-text.jpg'));
  const half = full.subarray(0, Math.floor(full.length / 2));
  await writeFile(join(outDir, 'truncated.jpg'), half);
  manifest['truncated.jpg'] = { format: 'jpeg', bytes: half.length, truncatedFrom: 'photo-text.jpg', width: jpeg.width, height: jpeg.height };

  const text = 'This is a plain text file with an image extension.\n';
  await writeFile(join(outDir, 'not-an-image.png'), text);
  manifest['not-an-image.png'] = { format: 'text', bytes: Buffer.byteLength(text) };

  await writeFile(join(outDir, 'fixtures.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.log(`wrote ${Object.keys(manifest).length} fixtures to ${outDir}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
