/**
 * Removal pipeline. Works on crops at full resolution around each masked
 * region (plus context), never on a resampled whole image. Only pixels with
 * mask > 0 are written (composite.ts), so everything else stays bit-identical.
 */
import { pasteCrop } from './composite';
import { throwIfAborted, WmError } from './errors';
import { countMasked } from './mask';
import { planTiles, type Tile } from './plan';
import type { ModelRunner } from './runner';
import { inpaintTelea } from './telea';
import { cropRect, maskToNchw, nchwToRgba, rgbaToNchw, roundUp } from './tensor';
import type { Mask, RgbaImage } from './types';

export type Remover = { kind: 'model'; runner: ModelRunner } | { kind: 'telea'; radius?: number };

export interface RemoveOptions {
  /** Context around each region. The model needs to see clean surroundings. */
  marginPx?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface RemoveOutput {
  image: RgbaImage;
  tiles: Tile[];
  backend: string;
}

export const DEFAULT_MARGIN_PX = 64;
/** Telea is O(filled pixels × radius²) and its quality does not improve with huge crops. */
const TELEA_TILE = 1024;

export function checkMask(image: RgbaImage, mask: Mask): void {
  if (mask.width !== image.width || mask.height !== image.height) {
    throw new WmError(
      'E_MASK_MISMATCH',
      `The mask is ${mask.width}×${mask.height} but the image is ${image.width}×${image.height}.`,
    );
  }
  if (mask.data.length !== mask.width * mask.height) {
    throw new WmError('E_MASK_MISMATCH', 'The mask buffer does not match its dimensions.');
  }
}

export async function removeMarks(
  image: RgbaImage,
  mask: Mask,
  remover: Remover,
  opts: RemoveOptions = {},
  signal?: AbortSignal,
): Promise<RemoveOutput> {
  checkMask(image, mask);
  if (countMasked(mask) === 0) throw new WmError('E_EMPTY_MASK', 'The mask is empty: paint or detect the marks first.');
  const marginPx = opts.marginPx ?? DEFAULT_MARGIN_PX;
  const sizeMultiple = remover.kind === 'model' ? remover.runner.entry.sizeMultiple : 1;
  const tileSide = remover.kind === 'model' ? (remover.runner.entry.tile ?? 512) : TELEA_TILE;
  const margin = Math.min(marginPx, Math.floor(tileSide / 4));
  const tiles = planTiles(mask, { marginPx: margin, tile: tileSide, sizeMultiple });
  const out: RgbaImage = { width: image.width, height: image.height, data: image.data.slice() };
  let backend = remover.kind === 'model' ? remover.runner.backend : 'cpu';
  opts.onProgress?.(0, tiles.length);
  for (let t = 0; t < tiles.length; t++) {
    throwIfAborted(signal);
    const tile = tiles[t];
    // Every tile reads the original image, so results never depend on tile order.
    const crop =
      remover.kind === 'model'
        ? await runModelTile(image, mask, tile, remover.runner, signal)
        : runTeleaTile(image, mask, tile, remover.radius ?? 5);
    if (remover.kind === 'model') backend = remover.runner.backend;
    pasteCrop(out, crop, tile.input, tile.core, mask);
    opts.onProgress?.(t + 1, tiles.length);
  }
  return { image: out, tiles, backend };
}

async function runModelTile(
  image: RgbaImage,
  mask: Mask,
  tile: Tile,
  runner: ModelRunner,
  signal?: AbortSignal,
): Promise<Uint8ClampedArray> {
  const e = runner.entry;
  const imageIn = e.inputs.find((i) => i.meaning === 'image');
  const maskIn = e.inputs.find((i) => i.meaning === 'mask');
  const cleanOut = e.outputs.find((o) => o.meaning === 'clean');
  if (!imageIn || !cleanOut) {
    throw new WmError('E_MANIFEST_INVALID', `Remover ${e.id} needs an image input and a clean output.`);
  }
  const r = tile.input;
  const padW = roundUp(r.width, e.sizeMultiple);
  const padH = roundUp(r.height, e.sizeMultiple);
  const feeds: Record<string, { data: Float32Array; dims: number[] }> = {
    [imageIn.name]: { data: rgbaToNchw(image, r, padW, padH, imageIn), dims: [1, 3, padH, padW] },
  };
  if (maskIn) feeds[maskIn.name] = { data: maskToNchw(mask, r, padW, padH), dims: [1, 1, padH, padW] };
  const outputs = await runner.run(feeds, signal);
  const clean = outputs[cleanOut.name];
  if (!clean) throw new WmError('E_PROCESSING', `Remover ${e.id} returned no "${cleanOut.name}" output.`);
  const [, c, oh, ow] = clean.dims;
  if (c !== 3 || oh !== padH || ow !== padW) {
    throw new WmError('E_PROCESSING', `Remover ${e.id} returned ${clean.dims.join('×')}, expected 1×3×${padH}×${padW}.`);
  }
  return nchwToRgba(clean.data, padW, padH, r, { range: cleanOut.range, colorOrder: cleanOut.colorOrder }, image);
}

function runTeleaTile(image: RgbaImage, mask: Mask, tile: Tile, radius: number): Uint8ClampedArray {
  const r = tile.input;
  const crop = cropRect(image, r);
  const fill = new Uint8Array(r.width * r.height);
  for (let y = 0; y < r.height; y++) {
    const row = (r.y + y) * mask.width + r.x;
    for (let x = 0; x < r.width; x++) fill[y * r.width + x] = mask.data[row + x] > 0 ? 1 : 0;
  }
  return inpaintTelea(crop.data, r.width, r.height, fill, radius);
}
