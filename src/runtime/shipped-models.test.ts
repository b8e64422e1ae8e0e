/**
 * The committed models must match their manifest and behave sanely: every
 * detector finds a known mark on a rendered fixture and stays quiet on a
 * clean one; every remover changes only the masked pixels.
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { detect, detectionToMask } from '../engine/detect';
import { createMask, fillRect } from '../engine/mask';
import { removeMarks } from '../engine/remove';
import type { RgbaImage } from '../engine/types';
import type { ModelEntry } from './manifest';
import { loadModels } from './models';
import { RunQueue, type OrtModule } from './ort-runner';

const modelsDir = new URL('../../public/models/', import.meta.url);

async function loadShipped() {
  return loadModels(
    {
      manifest: async () => JSON.parse(readFileSync(new URL('manifest.json', modelsDir), 'utf8')),
      bytes: async (e: ModelEntry) => new Uint8Array(readFileSync(new URL(e.file, modelsDir))),
    },
    {
      loadOrt: async () => {
        const ort = (await import('onnxruntime-web')) as unknown as OrtModule;
        ort.env.wasm.numThreads = 1;
        return ort;
      },
      queue: new RunQueue(),
    },
    'wasm',
  );
}

/** A smooth photo-like background with a watermark text drawn by librsvg (through sharp). */
async function fixture(
  withMark: boolean,
  sharpDisc = withMark,
): Promise<{ image: RgbaImage; box: { x: number; y: number; width: number; height: number } }> {
  const width = 800;
  const height = 600;
  const box = { x: 380, y: 430, width: 380, height: 80 };
  // The marked fixture keeps a hard-edged disc, the clean one does not: PP-OCR
  // reads that disc's rim as a text line (a 192×221 region at 0.99, measured
  // 2026-11-26), a known false positive of DB text detectors, noted in the README.
  const shapes = sharpDisc ? '<circle cx="250" cy="220" r="120" fill="#6b8f3a" fill-opacity="0.7"/>' : '<circle cx="250" cy="220" r="120" fill="#6b8f3a" fill-opacity="0.7" filter="url(#soft)"/>';
  const text = withMark
    ? `<text x="${box.x + 10}" y="${box.y + 60}" font-family="DejaVu Sans" font-weight="bold" font-size="56" fill="white" fill-opacity="0.85" stroke="black" stroke-opacity="0.4">© STOCK</text>`
    : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#3a6d8c"/><stop offset="1" stop-color="#c9a16b"/></linearGradient><filter id="soft"><feGaussianBlur stdDeviation="12"/></filter></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${shapes}${text}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { image: { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) }, box };
}

describe('shipped models', () => {
  it('match the manifest and load', async () => {
    const models = await loadShipped();
    expect(models.errors).toEqual([]);
    expect(models.detectors.length).toBeGreaterThan(0);
  });

  // Every listed detector runs in the ensemble, so each must be sane on its own.
  it('each detector finds a known text mark and stays quiet on a clean image', async () => {
    const models = await loadShipped();
    for (const d of models.detectors) {
      const { image, box } = await fixture(true);
      const det = await detect(image, [d], { threshold: 0.5 });
      const overlaps = (r: { box: typeof box }) =>
        r.box.x < box.x + box.width && r.box.x + r.box.width > box.x && r.box.y < box.y + box.height && r.box.y + r.box.height > box.y;
      const hit = det.regions.filter(overlaps);
      expect(hit.length, `${d.entry.id} should find the mark`).toBeGreaterThan(0);
      // Regions away from the mark count unless triage switches them off: the hard-edged disc (70 %
      // opaque over a gradient) is, pixel for pixel, a semi-transparent logo; wm-detector cpu-det6
      // (2026-12-04) reads it as one and triage calls it content. With it on, 69 % of that
      // detector's mask lay outside the text box. Regions on the mark count either way (triage
      // alone switches off PP-OCR's regions there: its boxes cover the glyphs' background too).
      const offAway = det.regions.filter((r) => !r.enabled && !overlaps(r)).map((r) => r.id);
      const mask = detectionToMask(det, { threshold: 0.5, disabledRegionIds: offAway, dilatePx: 0 });
      let inside = 0;
      let outside = 0;
      for (let y = 0; y < mask.height; y++)
        for (let x = 0; x < mask.width; x++) {
          if (!mask.data[y * mask.width + x]) continue;
          if (x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height) inside++;
          else outside++;
        }
      expect(inside, `${d.entry.id} mask over the mark`).toBeGreaterThan(500);
      expect(outside / Math.max(1, inside + outside), `${d.entry.id} mask mostly on the mark`).toBeLessThan(0.5);
      const clean = await fixture(false);
      const quiet = await detect(clean.image, [d], { threshold: 0.5 });
      const area = quiet.regions.reduce((s, r) => s + r.area, 0);
      expect(area / (clean.image.width * clean.image.height), `${d.entry.id} false-positive area`).toBeLessThan(0.01);
    }
  });

  // A remover the app preselects must visibly change the mark; an experimental
  // one must still run and keep every unmasked pixel.
  it('each remover keeps unmasked pixels; a recommended one changes the mark', async () => {
    const models = await loadShipped();
    for (const r of models.removers) {
      const { image, box } = await fixture(true);
      const mask = createMask(image.width, image.height);
      fillRect(mask, box, 255);
      const out = await removeMarks(image, mask, { kind: 'model', runner: r });
      let changed = 0;
      let changedOutside = 0;
      for (let p = 0; p < image.width * image.height; p++) {
        let same = true;
        for (let c = 0; c < 4; c++) if (out.image.data[p * 4 + c] !== image.data[p * 4 + c]) same = false;
        if (mask.data[p] === 0) changedOutside += same ? 0 : 1;
        else if (!same) changed++;
      }
      expect(changedOutside, `${r.entry.id} changed unmasked pixels`).toBe(0);
      if (r.entry.recommended) {
        expect(changed, `${r.entry.id} changes the masked pixels`).toBeGreaterThan(box.width * box.height * 0.3);
        // ...and brings them closer to the same picture without the mark than they were.
        const truth = (await fixture(false, true)).image;
        const err = (img: RgbaImage) => {
          let se = 0;
          for (let p = 0; p < img.width * img.height; p++) {
            if (!mask.data[p]) continue;
            for (let c = 0; c < 3; c++) se += (img.data[p * 4 + c] - truth.data[p * 4 + c]) ** 2;
          }
          return se;
        };
        expect(err(out.image), `${r.entry.id} error inside the mask vs the input's`).toBeLessThan(err(image) * 0.5);
      }
    }
  });
});
