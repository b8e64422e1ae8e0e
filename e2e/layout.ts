/// <reference lib="dom" />
/** Layout probes for the browser tests. */
import type { Locator } from '@playwright/test';

/** Whether the element is what the page shows at the middle of its edges and its centre (not under a pinned panel). */
export function uncovered(target: Locator): Promise<boolean> {
  return target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    // The middle of each edge (a rounded corner is not the element's to hit) and the centre.
    const cx = r.left + r.width / 2;
    const cy = r.top + r.height / 2;
    const points = [
      [cx, r.top + 2],
      [cx, r.bottom - 2],
      [r.left + 2, cy],
      [r.right - 2, cy],
      [cx, cy],
    ];
    return points.every(([x, y]) => el.contains(document.elementFromPoint(x, y)));
  });
}
