import { describe, expect, it } from 'vitest';
import { detect, detectionToMask } from './detect';
import { WmError } from './errors';
import { createMask, fillRect } from './mask';
import { removeMarks } from './remove';
import { constantRemover, noiseImage, redDetector } from './testing';
import type { RgbaImage } from './types';

function sameBytes(a: Uint8ClampedArray, b: Uint8ClampedArray): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

function withRedBox(img: RgbaImage, x: number, y: number, w: number, h: number): RgbaImage {
  for (let yy = y; yy < y + h; yy++)
    for (let xx = x; xx < x + w; xx++) {
      const i = (yy * img.width + xx) * 4;
      img.data[i] = 255;
      img.data[i + 1] = 0;
      img.data[i + 2] = 0;
    }
  return img;
}

describe('detect', () => {
  it('finds a mark on a downscaled image and reports it in full-resolution coordinates', async () => {
    const img = withRedBox(noiseImage(1000, 600), 700, 400, 200, 100);
    // Remove accidental red pixels from the noise so only the box fires.
    for (let i = 0; i < img.data.length; i += 4) if (img.data[i + 1] >= 50 || img.data[i] < 255) img.data[i] = Math.min(img.data[i], 200);
    const det = await detect(img, [redDetector(250)], { threshold: 0.5 });
    expect(det.probability.width).toBe(250);
    expect(det.probability.height).toBe(150);
    expect(det.regions).toHaveLength(1);
    const r = det.regions[0];
    expect(r.kind).toBe('logo');
    expect(r.confidence).toBeGreaterThan(0.5);
    expect(Math.abs(r.box.x - 700)).toBeLessThanOrEqual(8);
    expect(Math.abs(r.box.y - 400)).toBeLessThanOrEqual(8);
    expect(Math.abs(r.box.width - 200)).toBeLessThanOrEqual(16);
    const mask = detectionToMask(det, { threshold: 0.5, disabledRegionIds: [], dilatePx: 0 });
    expect(mask.width).toBe(1000);
    expect(mask.data[450 * 1000 + 800]).toBe(255);
    expect(mask.data[100 * 1000 + 100]).toBe(0);
    const off = detectionToMask(det, { threshold: 0.5, disabledRegionIds: [r.id], dilatePx: 0 });
    expect(off.data.every((v) => v === 0)).toBe(true);
  });

  it('grows a DB-style text core by ratio × area / perimeter, and drops specks', async () => {
    const img = noiseImage(400, 200);
    for (let i = 0; i < img.data.length; i += 4) img.data[i] = Math.min(img.data[i], 200);
    withRedBox(img, 100, 90, 200, 20); // a 200×20 "core": grow = 1.5 × 4000 / 440 ≈ 14 px
    withRedBox(img, 10, 10, 1, 1); // a one-pixel speck
    const db = redDetector(400);
    db.entry.unclip = 1.5;
    const det = await detect(img, [db], { threshold: 0.5, minAreaShare: 0.001 });
    expect(det.regions).toHaveLength(1);
    const box = det.regions[0].box;
    expect(box.y).toBe(90 - 14);
    expect(box.height).toBe(20 + 28);
    const mask = detectionToMask(det, { threshold: 0.5, disabledRegionIds: [], dilatePx: 2 });
    expect(mask.data[(90 - 15) * 400 + 200]).toBe(255); // 14 + 2 px above the core
    expect(mask.data[(90 - 18) * 400 + 200]).toBe(0);
    expect(mask.data[10 * 400 + 10]).toBe(0); // the speck is not a mark
  });

  it('adds a known mark (a lattice) as one region with its own mask, evidence for triage, and off when switched off', async () => {
    const img = withRedBox(noiseImage(400, 300), 100, 100, 60, 30);
    for (let i = 0; i < img.data.length; i += 4) if (img.data[i + 1] >= 50 || img.data[i] < 255) img.data[i] = Math.min(img.data[i], 200);
    const known = createMask(400, 300);
    fillRect(known, { x: 90, y: 95, width: 80, height: 40 }, 255); // over the detector's blob
    fillRect(known, { x: 300, y: 200, width: 50, height: 50 }, 255); // a repeat the detector missed
    const det = await detect(img, [redDetector(400)], {
      threshold: 0.5,
      known: [{ mask: known, kind: 'pattern', confidence: 0.9, verdict: 'overlay', reason: 'tiled mark' }],
    });
    expect(det.regions).toHaveLength(2);
    const [lattice, blob] = det.regions;
    expect(lattice).toMatchObject({ kind: 'pattern', verdict: 'overlay', enabled: true, box: { x: 90, y: 95, width: 260, height: 155 } });
    // The detector's blob sits on the lattice: triage calls it a mark for that reason.
    expect(blob.reason).toBe('repeats on a lattice');
    const all = detectionToMask(det, { threshold: 0.5, dilatePx: 0 });
    expect(all.data[225 * 400 + 325]).toBe(255);
    expect(all.data[110 * 400 + 130]).toBe(255);
    expect(all.data[20 * 400 + 20]).toBe(0);
    // Off: its own pixels leave the mask, the detector's blob stays.
    const off = detectionToMask(det, { threshold: 0.5, disabledRegionIds: [lattice.id], dilatePx: 0 });
    expect(off.data[225 * 400 + 325]).toBe(0);
    expect(off.data[110 * 400 + 130]).toBe(255);
  });

  it('finds nothing on a clean image', async () => {
    const img = noiseImage(300, 200);
    for (let i = 0; i < img.data.length; i += 4) img.data[i] = Math.min(img.data[i], 200);
    const det = await detect(img, [redDetector()], { threshold: 0.5 });
    expect(det.regions).toHaveLength(0);
  });

  it('refuses to run without a detector', async () => {
    await expect(detect(noiseImage(8, 8), [], { threshold: 0.5 })).rejects.toMatchObject({ code: 'E_MODEL_MISSING' });
  });
});

describe('removeMarks', () => {
  it('changes only masked pixels, at full resolution, tile by tile', async () => {
    const img = noiseImage(700, 500, 7);
    const before = img.data.slice();
    const mask = createMask(700, 500);
    fillRect(mask, { x: 0, y: 0, width: 40, height: 30 }, 255); // top-left corner
    fillRect(mask, { x: 650, y: 470, width: 50, height: 30 }, 255); // bottom-right corner
    fillRect(mask, { x: 200, y: 100, width: 300, height: 250 }, 255); // larger than one tile
    mask.data[250 * 700 + 600] = 128; // one soft pixel
    const remover = constantRemover(0.5, 128);
    const out = await removeMarks(img, mask, { kind: 'model', runner: remover }, { marginPx: 16 });
    expect(out.image.width).toBe(700);
    expect(remover.calls).toBeGreaterThan(3);
    expect(sameBytes(img.data, before)).toBe(true); // the input is never mutated
    let changedOutside = 0;
    let alphaChanged = 0;
    let paintedInside = 0;
    for (let p = 0; p < 700 * 500; p++) {
      const m = mask.data[p];
      if (out.image.data[p * 4 + 3] !== before[p * 4 + 3]) alphaChanged++;
      if (m === 0) {
        for (let c = 0; c < 3; c++) if (out.image.data[p * 4 + c] !== before[p * 4 + c]) changedOutside++;
      } else if (m === 255 && out.image.data[p * 4] === 128 && out.image.data[p * 4 + 1] === 128) {
        paintedInside++;
      }
    }
    expect(changedOutside).toBe(0);
    expect(alphaChanged).toBe(0);
    expect(paintedInside).toBe(40 * 30 + 50 * 30 + 300 * 250);
    const soft = (250 * 700 + 600) * 4;
    expect(out.image.data[soft]).toBe(Math.round((before[soft] * 127 + 128 * 128) / 255));
  });

  it('inpaints with Telea when no model is chosen', async () => {
    const img = noiseImage(120, 80, 3);
    const mask = createMask(120, 80);
    fillRect(mask, { x: 50, y: 30, width: 20, height: 10 }, 255);
    const out = await removeMarks(img, mask, { kind: 'telea' });
    expect(out.backend).toBe('cpu');
    let diff = 0;
    let changedOutside = 0;
    for (let p = 0; p < 120 * 80; p++) {
      if (mask.data[p] === 0) changedOutside += out.image.data[p * 4] !== img.data[p * 4] ? 1 : 0;
      else if (out.image.data[p * 4] !== img.data[p * 4]) diff++;
    }
    expect(changedOutside).toBe(0);
    expect(diff).toBeGreaterThan(100);
  });

  it('stops between tiles when cancelled and leaves the input intact', async () => {
    const img = noiseImage(600, 600);
    const before = img.data.slice();
    const mask = createMask(600, 600);
    fillRect(mask, { x: 0, y: 0, width: 600, height: 600 }, 255);
    const ctl = new AbortController();
    const remover = constantRemover(0.5, 128);
    const run = removeMarks(img, mask, { kind: 'model', runner: remover }, {
      onProgress: (done) => {
        if (done === 2) ctl.abort();
      },
    }, ctl.signal);
    await expect(run).rejects.toBeInstanceOf(WmError);
    await expect(run).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(remover.calls).toBe(2);
    expect(sameBytes(img.data, before)).toBe(true);
  });

  it('rejects a mask of the wrong size and an empty mask with codes', async () => {
    const img = noiseImage(10, 10);
    await expect(removeMarks(img, createMask(9, 10), { kind: 'telea' })).rejects.toMatchObject({ code: 'E_MASK_MISMATCH' });
    await expect(removeMarks(img, createMask(10, 10), { kind: 'telea' })).rejects.toMatchObject({ code: 'E_EMPTY_MASK' });
  });
});
