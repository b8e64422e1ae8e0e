import { describe, expect, it } from 'vitest';
import { componentBoxesByLevel, componentRuns, connectedComponents } from './mask-components';
import { dilationLevels } from './mask-morphology';
import { randomMask } from './testing';
import type { Mask } from './types';

describe('componentBoxesByLevel', () => {
  it('gives, per threshold of the levels, the boxes connectedComponents finds there, in its order', () => {
    for (const seed of [3, 11, 29]) {
      const w = 61;
      const h = 37;
      const radii = [1, 2.5, 4, 8];
      const levels = dilationLevels(randomMask(w, h, 0.02, seed), radii);
      const seen: number[] = [];
      componentBoxesByLevel(levels, w, h, radii.length, (k, boxes) => {
        seen.push(k);
        const at: Mask = { width: w, height: h, data: Uint8Array.from(levels, (v) => (v <= k ? 255 : 0)) };
        expect(boxes).toEqual(floodComponents(at).components.map((c) => c.box));
        return true;
      });
      expect(seen).toEqual([0, 1, 2, 3, 4]);
    }
  });
  it('stops when told to', () => {
    const levels = dilationLevels(randomMask(20, 20, 0.05, 5), [2, 4]);
    const seen: number[] = [];
    componentBoxesByLevel(levels, 20, 20, 2, (k) => (seen.push(k), false));
    expect(seen).toEqual([0]);
  });
});

/** Reference labelling: breadth-first flood fill, 8-connected, ids in raster order of the first pixel. */
function floodComponents(m: Mask): { labels: Int32Array; components: { id: number; box: { x: number; y: number; width: number; height: number }; area: number }[] } {
  const { width: w, height: h } = m;
  const labels = new Int32Array(w * h);
  const components: { id: number; box: { x: number; y: number; width: number; height: number }; area: number }[] = [];
  for (let s = 0; s < w * h; s++) {
    if (!m.data[s] || labels[s]) continue;
    const id = components.length + 1;
    let [x0, y0, x1, y1, area] = [w, h, -1, -1, 0];
    const queue = [s];
    labels[s] = id;
    while (queue.length) {
      const i = queue.shift()!;
      const x = i % w;
      const y = (i - x) / w;
      [x0, y0, x1, y1, area] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y), area + 1];
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const [xx, yy] = [x + dx, y + dy];
        if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
        const j = yy * w + xx;
        if (m.data[j] && !labels[j]) {
          labels[j] = id;
          queue.push(j);
        }
      }
    }
    components.push({ id, box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }, area });
  }
  return { labels, components };
}

describe('connectedComponents and componentRuns', () => {
  it('match a flood-fill reference: ids, boxes, areas, and labels (runs cover exactly them)', () => {
    for (const [density, seed] of [[0.3, 1], [0.55, 2], [0.8, 3], [0, 4]] as const) {
      const w = 47;
      const h = 31;
      const m = randomMask(w, h, density, seed);
      const ref = floodComponents(m);
      const cc = connectedComponents(m);
      expect(cc.components).toEqual(ref.components);
      expect(cc.labels).toEqual(ref.labels);
      const got = componentRuns(m);
      expect(got.components).toEqual(ref.components);
      const labels = new Int32Array(w * h);
      for (let r = 0; r < got.count; r++) {
        const [y, x0, x1, id] = got.runs.subarray(r * 4, r * 4 + 4);
        for (let x = x0; x <= x1; x++) labels[y * w + x] = id;
      }
      expect(labels).toEqual(ref.labels);
    }
  });
});
