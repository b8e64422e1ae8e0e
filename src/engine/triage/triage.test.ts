import { describe, expect, it } from 'vitest';
import { detectionToMask, type Detection } from '../detect';
import { composite, coverage, logoShape, noisePhoto } from '../mark/testing';
import type { Mask, RgbaImage } from '../types';
import { decide, PAGE_TEXT_LINES, PLAIN_RANGE, placementOf, triageRegion, triageRegions } from './triage';
import type { Region } from '../types';

const W = 480;
const H = 360;
const shape = logoShape(120, 60);

function boxMask(x: number, y: number, w: number, h: number): Mask {
  const m: Mask = { width: W, height: H, data: new Uint8Array(W * H) };
  for (let yy = y; yy < y + h; yy++) m.data.fill(255, yy * W + x, yy * W + x + w);
  return m;
}

/** Black "print" (the logo shape, opaque) on white paper with a little sensor noise, like a scanned page. */
function printOnPaper(x0: number, y0: number, more: { x: number; y: number; ink: number }[] = []): RgbaImage {
  const img: RgbaImage = { width: W, height: H, data: new Uint8ClampedArray(W * H * 4) };
  let s = 7;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    s = (s * 1103515245 + 12345) >>> 0;
    let a = coverage(shape, x - x0, y - y0);
    for (const m of more) a = Math.max(a, m.ink * coverage(shape, x - m.x, y - m.y));
    const paper = 246 + ((s >>> 16) % 5) - 2;
    const v = Math.round((1 - a) * paper + a * 12);
    img.data.set([v, v, v, 255], (y * W + x) * 4);
  }
  return img;
}

describe('triage of detected regions', () => {
  it('calls a semi-transparent one-colour mark over a photo an overlay', () => {
    const photo = noisePhoto(W, H, 11);
    const { image } = composite(photo, (x, y) => 0.4 * coverage(shape, x - 180, y - 150), [1, 1, 1]);
    const t = triageRegion(image, boxMask(172, 142, 136, 76), { x: 172, y: 142, width: 136, height: 76 });
    expect(t.evidence.blend).toBe('overlay');
    expect(t.verdict).toBe('overlay');
  });

  it('calls opaque black print on white paper probably content, in the middle of the page and off-centre', () => {
    for (const [x, y] of [[180, 150], [60, 140]] as const) {
      const image = printOnPaper(x, y);
      const t = triageRegion(image, boxMask(x - 8, y - 8, 136, 76), { x: x - 8, y: y - 8, width: 136, height: 76 });
      expect(t.evidence.ringTexture).toBeLessThan(3);
      expect(t.verdict).toBe('content');
    }
  });

  it('calls the picture\'s own multi-coloured texture not a blend', () => {
    const photo = noisePhoto(W, H, 12);
    const t = triageRegion(photo, boxMask(100, 100, 120, 80), { x: 100, y: 100, width: 120, height: 80 });
    expect(t.verdict).toBe('content');
  });

  it('takes a mark-like text line for the page\'s own text when the page holds other lines of it', () => {
    // Three opaque black lines of print on the page, away from where marks go, and one grey (40 % ink) line in its centre.
    const lines = [{ x: 20, y: 120, ink: 1 }, { x: 330, y: 120, ink: 1 }, { x: 20, y: 200, ink: 1 }];
    const grey = { x: 180, y: 150, ink: 0.4 };
    const image = printOnPaper(-1000, -1000, [grey]);
    const page = printOnPaper(-1000, -1000, [grey, ...lines]);
    const box = (x: number, y: number) => ({ x: x - 8, y: y - 8, width: 136, height: 76 });
    const region = (id: number, x: number, y: number): Region => ({ id, kind: 'text', confidence: 0.9, box: box(x, y), area: 136 * 76, enabled: true });
    const all = (xs: { x: number; y: number }[]) => {
      const m: Mask = { width: W, height: H, data: new Uint8Array(W * H) };
      for (const { x, y } of xs) {
        const b = box(x, y);
        for (let yy = b.y; yy < b.y + b.height; yy++) m.data.fill(255, yy * W + b.x, yy * W + b.x + b.width);
      }
      return m;
    };
    const alone = [region(1, 180, 150)];
    triageRegions(image, alone, all([{ x: 180, y: 150 }]));
    expect(alone[0].verdict).toBe('overlay');
    const spots = [{ x: 180, y: 150 }, ...lines];
    const onPage = spots.map((p, i) => region(i + 1, p.x, p.y));
    triageRegions(page, onPage, all(spots));
    expect(onPage.slice(1).filter((r) => r.verdict === 'content').length).toBeGreaterThanOrEqual(PAGE_TEXT_LINES);
    expect(onPage[0]).toMatchObject({ verdict: 'content', enabled: false });
    expect(onPage[0].reason).toMatch(/text lines/);
  });

  it('weighs position: an opaque one-colour stamp over the picture is a mark in a corner, content inside', () => {
    const base = { blend: 'opaque' as const, opacity: 1, explained: 0.9, ringTexture: 12, repeated: false, crispText: false, boxShare: 0.05, widthShare: 0.4, inkRange: 40 };
    expect(decide({ ...base, placement: 'corner' }).verdict).toBe('opaque-mark');
    expect(decide({ ...base, placement: 'interior' }).verdict).toBe('content');
    // In the centre, where the photo's subject is, an opaque shape is its own print (a plate, a decal).
    expect(decide({ ...base, placement: 'centre' }).verdict).toBe('content');
    expect(decide({ ...base, placement: 'interior', repeated: true }).verdict).toBe('opaque-mark');
    expect(placementOf({ x: 10, y: 330, width: 80, height: 20 }, W, H)).toBe('corner');
    // Crisp text the detector is sure of is print, even where it looks like a see-through overlay…
    expect(decide({ ...base, blend: 'overlay', opacity: 0.5, placement: 'interior', crispText: true }).verdict).toBe('content');
    // …except an opaque stamp over the picture at an edge, or an overlay across the picture's centre.
    expect(decide({ ...base, blend: 'overlay', opacity: 0.5, placement: 'centre', crispText: true, ringTexture: 1 }).verdict).toBe('overlay');
    expect(decide({ ...base, blend: 'overlay', opacity: 0.5, placement: 'centre', crispText: true, boxShare: 0.4 }).verdict).toBe('content');
    // A short line in the middle is a licence plate or a badge of the picture, not a line across it.
    expect(decide({ ...base, blend: 'overlay', opacity: 0.5, placement: 'centre', crispText: true, widthShare: 0.18 }).verdict).toBe('content');
    expect(decide({ ...base, placement: 'corner', crispText: true }).verdict).toBe('opaque-mark');
    expect(decide({ ...base, placement: 'corner', crispText: true, ringTexture: 1 }).verdict).toBe('content');
    expect(placementOf({ x: 200, y: 160, width: 80, height: 40 }, W, H)).toBe('centre');
  });

  it('leaves a blank band alone: nothing is drawn on it, whatever else it looks like', () => {
    // A photo with a white border along its bottom (a scan, a product shot), and the same band with black print on it.
    const photo = noisePhoto(W, H, 13);
    const band = (ink: boolean): RgbaImage => {
      const img: RgbaImage = { width: W, height: H, data: photo.data.slice() };
      for (let y = H - 40; y < H; y++) for (let x = 0; x < W; x++) {
        const a = ink ? coverage(shape, x - 40, y - (H - 50)) : 0;
        const v = Math.round((1 - a) * 250 + a * 10);
        img.data.set([v, v, v, 255], (y * W + x) * 4);
      }
      return img;
    };
    const box = { x: 0, y: H - 40, width: W, height: 40 };
    const blank = triageRegion(band(false), boxMask(0, H - 40, W, 40), box);
    expect(blank.evidence.placement).toBe('footer');
    expect(blank.evidence.inkRange).toBe(0);
    expect(blank.verdict).toBe('content');
    const bar = triageRegion(band(true), boxMask(0, H - 40, W, 40), box);
    expect(bar.evidence.inkRange).toBeGreaterThan(PLAIN_RANGE);
    expect(bar.reason).not.toMatch(/nothing drawn/);
    // A short mark on a wide bar (a "©" of 1 % of its middle) is something drawn on it.
    const short = band(false);
    for (let y = H - 23; y < H - 17; y++) for (let x = 230; x < 250; x++) short.data.set([10, 10, 10, 255], (y * W + x) * 4);
    expect(triageRegion(short, boxMask(0, H - 40, W, 40), box).evidence.inkRange).toBeGreaterThan(PLAIN_RANGE);
    // A speck of a few pixels inside a glyph has no middle to read: no evidence either way.
    expect(triageRegion(band(false), boxMask(100, H - 30, 3, 4), { x: 100, y: H - 30, width: 3, height: 4 }).evidence.inkRange).toBe(255);
    // The same blank band reads as a stamp to the other evidence: opaque, one colour, at an edge.
    expect(decide({ ...blank.evidence, inkRange: 40 }).verdict).toBe('opaque-mark');
  });

  it('ignores placement in a picture that is one periodic pattern', () => {
    const base = { blend: 'opaque' as const, opacity: 1, explained: 0.9, ringTexture: 12, repeated: false, crispText: false, boxShare: 0.05, widthShare: 0.4, inkRange: 40 };
    // A stamp in the corner, a flat overlay in the footer: marks in a photo, the pattern's own cells in a plaid.
    expect(decide({ ...base, placement: 'corner', periodicPicture: true }).verdict).toBe('content');
    const flatOverlay = { ...base, blend: 'overlay' as const, opacity: 0.4, ringTexture: 1, placement: 'footer' as const };
    expect(decide(flatOverlay).verdict).toBe('overlay');
    const t = decide({ ...flatOverlay, periodicPicture: true });
    expect(t.verdict).toBe('content');
    expect(t.reason).toMatch(/periodic pattern/);
    // An overlay over textured picture is a mark wherever it sits, and a lattice's repeats stay marks.
    expect(decide({ ...flatOverlay, ringTexture: 12, periodicPicture: true }).verdict).toBe('overlay');
    expect(decide({ ...base, placement: 'corner', repeated: true, periodicPicture: true }).verdict).toBe('opaque-mark');
    // A crisp one-colour line of text across the centre is the stock mark over a periodic texture too; at an edge it is not.
    const centreLine = { ...flatOverlay, crispText: true, placement: 'centre' as const };
    expect(decide({ ...centreLine, periodicPicture: true }).verdict).toBe('overlay');
    expect(decide({ ...centreLine, placement: 'footer', periodicPicture: true }).verdict).toBe('content');
  });
});

describe('regions switched off', () => {
  it('never reach the mask, whether switched off by triage or by the user', () => {
    // Two regions on a hand-made detection map: triage switched the second off.
    const pw = 120;
    const ph = 90;
    const prob = new Float32Array(pw * ph);
    for (let y = 10; y < 20; y++) for (let x = 10; x < 30; x++) prob[y * pw + x] = 0.9;
    for (let y = 50; y < 60; y++) for (let x = 60; x < 90; x++) prob[y * pw + x] = 0.9;
    const det: Detection = {
      probability: { width: pw, height: ph, data: prob },
      kindIndex: new Uint8Array(pw * ph),
      sourceIndex: new Uint8Array(pw * ph),
      unclips: [0],
      width: W,
      height: H,
      regions: [
        { id: 1, kind: 'text', confidence: 0.9, box: { x: 40, y: 40, width: 80, height: 40 }, area: 3200, enabled: true, verdict: 'overlay' },
        { id: 2, kind: 'text', confidence: 0.9, box: { x: 240, y: 200, width: 120, height: 40 }, area: 4800, enabled: false, verdict: 'content' },
      ],
      cores: new Map([
        [1, { core: { x: 40, y: 40, width: 80, height: 40 }, grow: 0 }],
        [2, { core: { x: 240, y: 200, width: 120, height: 40 }, grow: 0 }],
      ]),
      backend: 'test',
    };
    const inBox = (m: Mask, x0: number, y0: number, w: number, h: number) => {
      let n = 0;
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) if (m.data[y * W + x]) n++;
      return n;
    };
    const byDefault = detectionToMask(det, { threshold: 0.5, dilatePx: 4 });
    expect(inBox(byDefault, 40, 40, 80, 40)).toBeGreaterThan(2000);
    expect(inBox(byDefault, 230, 190, 140, 60)).toBe(0);
    const userOff = detectionToMask(det, { threshold: 0.5, dilatePx: 4, disabledRegionIds: [1] });
    expect(inBox(userOff, 30, 30, 100, 60)).toBe(0);
    expect(inBox(userOff, 240, 200, 120, 40)).toBeGreaterThan(2000);
  });
});
