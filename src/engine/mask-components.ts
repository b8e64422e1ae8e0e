/** Connected components of a mask (8-connectivity, two-pass union-find). */
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

/**
 * 8-connected components of mask > 0 (two-pass union-find). Ids run 1..n in raster
 * order of each component's first pixel; background is 0.
 */
export function connectedComponents(mask: Mask): { labels: Int32Array; components: Component[] } {
  const { width, height, data } = mask;
  const labels = new Int32Array(width * height);
  let parent = new Int32Array(1024);
  let next = 1;
  const union = (a: number, b: number): number => {
    const ra = findRoot(parent, a);
    const rb = findRoot(parent, b);
    if (ra === rb) return ra;
    // The smaller label wins, so roots keep raster order of first appearance.
    if (ra < rb) {
      parent[rb] = ra;
      return ra;
    }
    parent[ra] = rb;
    return rb;
  };
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const up = row - width;
    for (let x = 0; x < width; x++) {
      if (data[row + x] === 0) continue;
      let l = 0;
      // Neighbours already visited: W, NW, N, NE.
      if (x > 0 && labels[row + x - 1] !== 0) l = labels[row + x - 1];
      if (y > 0) {
        if (x > 0 && labels[up + x - 1] !== 0) l = l === 0 ? labels[up + x - 1] : union(l, labels[up + x - 1]);
        if (labels[up + x] !== 0) l = l === 0 ? labels[up + x] : union(l, labels[up + x]);
        if (x + 1 < width && labels[up + x + 1] !== 0) l = l === 0 ? labels[up + x + 1] : union(l, labels[up + x + 1]);
      }
      if (l === 0) {
        if (next >= parent.length) {
          const grown = new Int32Array(parent.length * 2);
          grown.set(parent);
          parent = grown;
        }
        parent[next] = next;
        l = next++;
      }
      labels[row + x] = l;
    }
  }
  // Compact root labels to 1..n.
  const compact = new Int32Array(next);
  let n = 0;
  for (let i = 1; i < next; i++) {
    const r = findRoot(parent, i);
    if (r === i) compact[i] = ++n;
  }
  for (let i = 1; i < next; i++) compact[i] = compact[findRoot(parent, i)];
  const minX = new Int32Array(n + 1).fill(width);
  const minY = new Int32Array(n + 1).fill(height);
  const maxX = new Int32Array(n + 1).fill(-1);
  const maxY = new Int32Array(n + 1).fill(-1);
  const area = new Float64Array(n + 1);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const raw = labels[row + x];
      if (raw === 0) continue;
      const id = compact[raw];
      labels[row + x] = id;
      area[id]++;
      if (x < minX[id]) minX[id] = x;
      if (x > maxX[id]) maxX[id] = x;
      if (y < minY[id]) minY[id] = y;
      maxY[id] = y;
    }
  }
  const components: Component[] = [];
  for (let id = 1; id <= n; id++) {
    components.push({
      id,
      box: { x: minX[id], y: minY[id], width: maxX[id] - minX[id] + 1, height: maxY[id] - minY[id] + 1 },
      area: area[id],
    });
  }
  return { labels, components };
}
