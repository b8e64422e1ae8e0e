/** Connected components of a mask (8-connectivity, union-find over runs). */
import type { Mask, Rect } from './types';

export interface Component {
  id: number;
  box: Rect;
  area: number;
}

/** Union-find root with path halving. */
function findRoot(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

/** `a`, or a copy of it twice as long (or more) when it holds fewer than `need` values. */
function withRoom(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const grown = new Int32Array(Math.max(need, a.length * 2));
  grown.set(a);
  return grown;
}

/**
 * 8-connected components of mask > 0 (union-find over runs, componentRuns). Ids run
 * 1..n in raster order of each component's first pixel; background is 0.
 */
export function connectedComponents(mask: Mask): { labels: Int32Array; components: Component[] } {
  const { components, runs, count } = componentRuns(mask);
  const labels = new Int32Array(mask.width * mask.height);
  for (let r = 0; r < count; r++) {
    const row = runs[r * 4] * mask.width;
    labels.fill(runs[r * 4 + 3], row + runs[r * 4 + 1], row + runs[r * 4 + 2] + 1);
  }
  return { labels, components };
}

/**
 * The components' boxes of every threshold of `levels` at once: for k = 0, 1, …,
 * `onLevel(k, boxes)` gets the boxes of the 8-connected components of
 * {levels ≤ k}, in the order connectedComponents numbers them (raster order of
 * each one's first pixel), and returns false to stop. Pixels join in order of
 * level into one union-find, so growing thresholds cost one labelling, not one
 * each (levels as dilationLevels gives them: 255 = never).
 */
export function componentBoxesByLevel(levels: Uint8Array, width: number, height: number, maxLevel: number, onLevel: (k: number, boxes: Rect[]) => boolean): void {
  const labels = new Int32Array(width * height);
  let parent = new Int32Array(1024);
  // Per label, at its root: box and first pixel (raster index).
  let box = new Int32Array(1024 * 5);
  let next = 1;
  const union = (a: number, b: number): number => {
    const ra = findRoot(parent, a);
    const rb = findRoot(parent, b);
    if (ra === rb) return ra;
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    parent[drop] = keep;
    const k = keep * 5;
    const d = drop * 5;
    box[k] = Math.min(box[k], box[d]);
    box[k + 1] = Math.min(box[k + 1], box[d + 1]);
    box[k + 2] = Math.max(box[k + 2], box[d + 2]);
    box[k + 3] = Math.max(box[k + 3], box[d + 3]);
    box[k + 4] = Math.min(box[k + 4], box[d + 4]);
    return keep;
  };
  for (let level = 0; level <= maxLevel; level++) {
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 0; x < width; x++) {
        const i = row + x;
        if (levels[i] !== level) continue;
        let l = 0;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= height) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            if ((dx === 0 && dy === 0) || xx < 0 || xx >= width) continue;
            const n = labels[yy * width + xx];
            if (n !== 0) l = l === 0 ? findRoot(parent, n) : union(l, n);
          }
        }
        if (l === 0) {
          parent = withRoom(parent, next + 1);
          box = withRoom(box, (next + 1) * 5);
          parent[next] = next;
          box.set([x, y, x, y, i], next * 5);
          l = next++;
        } else {
          const k = l * 5;
          if (x < box[k]) box[k] = x;
          if (y < box[k + 1]) box[k + 1] = y;
          if (x > box[k + 2]) box[k + 2] = x;
          if (y > box[k + 3]) box[k + 3] = y;
          if (i < box[k + 4]) box[k + 4] = i;
        }
        labels[i] = l;
      }
    }
    const roots: number[] = [];
    for (let l = 1; l < next; l++) if (parent[l] === l) roots.push(l);
    roots.sort((a, b) => box[a * 5 + 4] - box[b * 5 + 4]);
    const boxes = roots.map((r) => ({ x: box[r * 5], y: box[r * 5 + 1], width: box[r * 5 + 2] - box[r * 5] + 1, height: box[r * 5 + 3] - box[r * 5 + 1] + 1 }));
    if (!onLevel(level, boxes)) return;
  }
}

/**
 * The same components as connectedComponents (8-connectivity, ids 1..n in raster
 * order of each one's first pixel, the same boxes and areas), as runs of masked
 * pixels instead of a label per pixel: `runs` holds (y, x0, x1, id) per run, in
 * raster order. On a sparse 12 MP mask this avoids two passes over a 48 MB label
 * array.
 */
export function componentRuns(mask: Mask): { components: Component[]; runs: Int32Array; count: number } {
  const { width, height, data } = mask;
  let runs = new Int32Array(4096 * 4);
  let parent = new Int32Array(1024);
  let count = 0;
  let prevStart = 0;
  let prevEnd = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const rowStart = count;
    let j = prevStart;
    for (let x = 0; x < width; x++) {
      if (data[row + x] === 0) continue;
      const x0 = x;
      while (x + 1 < width && data[row + x + 1] !== 0) x++;
      runs = withRoom(runs, (count + 1) * 4);
      parent = withRoom(parent, count + 2);
      // Labels are 1-based run numbers; the smaller root wins, so roots keep raster order.
      const label = count + 1;
      parent[label] = label;
      // Runs of the row above that touch this one, diagonals included.
      while (j < prevEnd && runs[j * 4 + 2] < x0 - 1) j++;
      for (let k = j; k < prevEnd && runs[k * 4 + 1] <= x + 1; k++) {
        const ra = findRoot(parent, label);
        const rb = findRoot(parent, runs[k * 4 + 3]);
        if (ra < rb) parent[rb] = ra;
        else if (rb < ra) parent[ra] = rb;
      }
      runs.set([y, x0, x, label], count * 4);
      count++;
    }
    prevStart = rowStart;
    prevEnd = count;
  }
  const compact = new Int32Array(count + 1);
  let n = 0;
  for (let l = 1; l <= count; l++) if (findRoot(parent, l) === l) compact[l] = ++n;
  const minX = new Int32Array(n + 1).fill(width);
  const minY = new Int32Array(n + 1).fill(height);
  const maxX = new Int32Array(n + 1).fill(-1);
  const maxY = new Int32Array(n + 1).fill(-1);
  const area = new Float64Array(n + 1);
  for (let r = 0; r < count; r++) {
    const id = compact[findRoot(parent, runs[r * 4 + 3])];
    runs[r * 4 + 3] = id;
    const y = runs[r * 4];
    const x0 = runs[r * 4 + 1];
    const x1 = runs[r * 4 + 2];
    area[id] += x1 - x0 + 1;
    if (x0 < minX[id]) minX[id] = x0;
    if (x1 > maxX[id]) maxX[id] = x1;
    if (y < minY[id]) minY[id] = y;
    maxY[id] = y;
  }
  const components: Component[] = [];
  for (let id = 1; id <= n; id++) {
    components.push({ id, box: { x: minX[id], y: minY[id], width: maxX[id] - minX[id] + 1, height: maxY[id] - minY[id] + 1 }, area: area[id] });
  }
  return { components, runs: runs.subarray(0, count * 4), count };
}
