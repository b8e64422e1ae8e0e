/**
 * Pixel checks in Node with sharp (libvips): a decoder independent of the
 * app's, so a loss in the app's own decode or encode path cannot hide itself
 * (issue 11, item 1: the in-page check decoded through the same premultiplied
 * canvas as the app and saw nothing).
 */
import sharp from 'sharp';

export interface OutsideStats {
  width: number;
  height: number;
  /** Pixels with mask == 0, and how many differ in any of R, G, B, A. */
  outside: number;
  outsideChanged: number;
  /** Of those, pixels with α = 0 in the input whose RGB changed. */
  hiddenRgbChanged: number;
  inside: number;
  firstChange: { x: number; y: number; input: number[]; output: number[] } | null;
}

async function rgba(bytes: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(bytes).rotate().ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

export async function outsideMask(input: Buffer, output: Buffer, maskPng: Buffer): Promise<OutsideStats> {
  const a = await rgba(input);
  const b = await rgba(output);
  const { data: m, info } = await sharp(maskPng).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  if (a.width !== b.width || a.height !== b.height || info.width !== a.width || info.height !== a.height) {
    throw new Error(`sizes differ: input ${a.width}×${a.height}, output ${b.width}×${b.height}, mask ${info.width}×${info.height}`);
  }
  const s: OutsideStats = { width: a.width, height: a.height, outside: 0, outsideChanged: 0, hiddenRgbChanged: 0, inside: 0, firstChange: null };
  for (let p = 0; p < a.width * a.height; p++) {
    const i = p * 4;
    if (m[p * info.channels] !== 0) {
      s.inside++;
      continue;
    }
    s.outside++;
    const rgbSame = a.data[i] === b.data[i] && a.data[i + 1] === b.data[i + 1] && a.data[i + 2] === b.data[i + 2];
    if (rgbSame && a.data[i + 3] === b.data[i + 3]) continue;
    s.outsideChanged++;
    if (a.data[i + 3] === 0 && !rgbSame) s.hiddenRgbChanged++;
    s.firstChange ??= { x: p % a.width, y: Math.floor(p / a.width), input: [...a.data.subarray(i, i + 4)], output: [...b.data.subarray(i, i + 4)] };
  }
  return s;
}
