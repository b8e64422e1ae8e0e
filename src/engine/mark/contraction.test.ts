import { describe, expect, it } from 'vitest';
import { estimateFromSpread, lateVerdict, SPREAD_GATE } from './contraction';
import { stackMedian, type MarkEstimate } from './estimate';
import type { InstanceStack } from './sample';
import type { MarkField } from './field';
import { composite, logoShape, noisePhoto, rng, tiledAlpha } from './testing';

const W = 512;
const H = 384;

/** A textured, noisy picture (as an enlarged JPEG is under a mark) with a mid-grey logo at α `opacity`, tiled. */
function greyOverTexture(opacity = 0.4, noise = 16) {
  const photo = noisePhoto(W, H, 3);
  const rand = rng(9);
  for (let i = 0; i < W * H * 4; i++) if ((i & 3) !== 3) photo.data[i] += Math.round((rand() - 0.5) * noise);
  const alphaAt = tiledAlpha(logoShape(60, 36), [100, 0], [50, 80], opacity);
  return { alphaAt, ...composite(photo, alphaAt, [0.5, 0.5, 0.5]) };
}

const fieldOf = (alphaAt: (x: number, y: number) => number): MarkField => ({
  colour: [0.5, 0.5, 0.5],
  bounds: { x: 0, y: 0, width: W, height: H },
  alphaAt,
});

describe('lateVerdict (a mark read from the spread, judged on the image)', () => {
  it('accepts the right mid-grey mark whose inversion lifts the texture under it past the plain bound, as the fit finds it strongly', () => {
    const { image, alphaAt } = greyOverTexture();
    const v = lateVerdict(image, fieldOf(alphaAt), SPREAD_GATE);
    // The inversion leaves more energy than the marked picture had: the plain bound alone refuses it.
    expect(v.ratio).toBeGreaterThan(SPREAD_GATE.maxRatio);
    expect(v.reason).toBe('ok');
    expect(lateVerdict(image, fieldOf(alphaAt), { ...SPREAD_GATE, strongMaxRatio: undefined }).reason).toMatch(/does not flatten/);
  });

  it('refuses the same mark placed between the instances: its inversion adds edges, and the fit does not find it', () => {
    const { image, alphaAt } = greyOverTexture();
    const misplaced = fieldOf((x, y) => alphaAt(x + 50, y + 40));
    const v = lateVerdict(image, misplaced, SPREAD_GATE);
    expect(v.ratio).toBeGreaterThan(SPREAD_GATE.strongMaxRatio!);
    expect(v.reason).toMatch(/does not flatten/);
    // With no energy bound at all, the presence fit still refuses it.
    expect(lateVerdict(image, misplaced, { ...SPREAD_GATE, maxRatio: 100, strongMaxRatio: 100 }).reason).toMatch(/not in the picture/);
  });
});

describe('estimateFromSpread (α from how much the instances vary)', () => {
  it('covers a faint mark whose spread dips under 0.25 inside it on the wider support, and little else', () => {
    // 48 instances of a 64² cell, each over its own random picture, a mid-grey disc at α 0.24 in the middle.
    const S = 64;
    const K = 48;
    const inDisc = (x: number, y: number) => (x - 32) ** 2 + (y - 32) ** 2 <= 12 ** 2;
    const rand = rng(4);
    const pictures = Float32Array.from({ length: K * S * S }, () => rand());
    const stack: InstanceStack = {
      width: S,
      height: S,
      count: K,
      topology: { kind: 'torus', twist: 0 },
      row(k, y, out) {
        for (let x = 0; x < S; x++) {
          const a = inDisc(x, y) ? 0.24 : 0;
          out.fill((1 - a) * pictures[(k * S + y) * S + x] + a * 0.5, x * 3, x * 3 + 3);
        }
      },
    };
    const read = estimateFromSpread(stack, stackMedian(stack), () => 'ok')!;
    const [narrow, wide] = [read.estimate, read.wide];
    const share = (e: MarkEstimate | null, disc: boolean) => {
      let hit = 0;
      let all = 0;
      for (let y = 0; y < S; y++) {
        for (let x = 0; x < S; x++) {
          // Outside: beyond the disc grown by the support's one-pixel rim and the 3 × 3 mean.
          if (disc ? !inDisc(x, y) : (x - 32) ** 2 + (y - 32) ** 2 <= 15 ** 2) continue;
          all++;
          hit += e!.supportHw[y * S + x];
        }
      }
      return hit / all;
    };
    // At 0.25, about half the disc (its α is 0.24 give or take the spread's noise); at 0.12 all of it, and a few stray pixels.
    expect(share(narrow, true)).toBeLessThan(0.8);
    expect(share(wide, true)).toBeGreaterThan(0.95);
    expect(share(wide, false)).toBeLessThan(0.03);
  });
});
