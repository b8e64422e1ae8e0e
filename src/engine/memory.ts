/**
 * A memory guard for the app (issue 11, item 9: 20 images of 12 MP took
 * 6.2 GB). Not a design fix, a budget: an image is refused, before it is
 * decoded, when the open images would pass it. The estimate is per pixel of
 * every open image. It was 26 bytes (6.2 GB / 240 MP, every image decoded on
 * both sides). Since the worker keeps only 3 images decoded, the main thread
 * full-resolution bitmaps only for the image on screen, and masks off screen
 * deflated, the memory bench measured a peak of 1873 MiB for the same 240 MP
 * (`npm run bench:memory -- --n 20`): about 8 bytes per pixel, fixed costs
 * included.
 */
import { WmError } from './errors';

export const BYTES_PER_OPEN_PIXEL = 8;

/** Default: 3 GiB, about 33 open 12 MP images, or eight at the 48 MP limit. */
export const DEFAULT_MEMORY_BUDGET_BYTES = 3 * 1024 ** 3;

export interface MemoryBudget {
  /** Pixels of the images already open (width × height, summed). */
  openPixels: number;
  maxBytes: number;
}

export function estimateBytes(pixels: number): number {
  return pixels * BYTES_PER_OPEN_PIXEL;
}

/** Throws E_MEMORY_BUDGET when one more image of width × height would pass the budget. */
export function checkMemoryBudget(width: number, height: number, budget: MemoryBudget): void {
  const open = estimateBytes(budget.openPixels);
  const next = estimateBytes(width * height);
  if (open + next <= budget.maxBytes) return;
  const gb = (b: number) => `${(b / 1024 ** 3).toFixed(b < 1024 ** 3 ? 2 : 1)} GB`;
  throw new WmError(
    'E_MEMORY_BUDGET',
    `Opening this ${((width * height) / 1e6).toFixed(1)} MP image needs about ${gb(next)}; the images already open use about ${gb(open)} of the ${gb(budget.maxBytes)} budget. Close some images, then open it again.`,
  );
}
