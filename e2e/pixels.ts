/// <reference lib="dom" />
/**
 * Pixel checks on downloaded files, done in the page with the app's own decode
 * path so that "bit-identical" means what the app means by it.
 */
import type { Page } from '@playwright/test';

export interface Truth {
  watermarkPixels: number;
  inputError: number;
  outputError: number;
  allWatermarkPixels: number;
  /** Share of all watermark pixels that the mask covers. */
  maskCoverage: number;
}

/** Sum of |ΔR|+|ΔG|+|ΔB| above which a pixel counts as part of the watermark. */
export const INK_THRESHOLD = 24;

export interface EditStats {
  input: { width: number; height: number };
  output: { width: number; height: number };
  mask: { width: number; height: number };
  /** Pixels with mask == 0 and how many of them differ in any channel. */
  outside: number;
  outsideChanged: number;
  firstOutsideChange: { x: number; y: number; input: number[]; output: number[] } | null;
  /** Pixels with mask > 0 and how many differ. */
  inside: number;
  insideChanged: number;
  /** Mean absolute RGB change inside the mask. */
  insideMeanDelta: number;
  /** Pixels with mask == 255 (fully replaced) and how many differ. */
  full: number;
  fullChanged: number;
  /** Mask PNG pixels whose R, G and B disagree (it should be grayscale). */
  maskNonGray: number;
  /**
   * Against the clean ground truth, when given. Watermark pixels are those where
   * the input differs from the clean picture by more than INK_THRESHOLD (sum of
   * |ΔR|+|ΔG|+|ΔB|). Over those inside the mask: the mean absolute RGB error of
   * the input and of the output. Over all of them: how many the mask covers.
   */
  truth: Truth | null;
}

/**
 * Decodes the input, the downloaded result and the downloaded mask in the page
 * with the app's own decode path (createImageBitmap with premultiplyAlpha and
 * colorSpaceConversion 'none', then getImageData) and compares them pixel by
 * pixel there, so no megabytes of pixels cross the protocol.
 */
export async function compareEdit(page: Page, input: Buffer, output: Buffer, mask: Buffer, clean?: Buffer): Promise<EditStats> {
  return page.evaluate(
    async ({ inputB64, outputB64, maskB64, cleanB64, inkThreshold }) => {
      async function decode(b64: string): Promise<ImageData> {
        const bin = atob(b64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        const bitmap = await createImageBitmap(new Blob([bytes]), {
          imageOrientation: 'from-image',
          premultiplyAlpha: 'none',
          colorSpaceConversion: 'none',
        });
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const ctx = canvas.getContext('2d', { willReadFrequently: true });
        if (!ctx) throw new Error('no 2d context');
        ctx.drawImage(bitmap, 0, 0);
        bitmap.close();
        return ctx.getImageData(0, 0, canvas.width, canvas.height);
      }
      const [a, b, m] = await Promise.all([decode(inputB64), decode(outputB64), decode(maskB64)]);
      const c = cleanB64 ? await decode(cleanB64) : null;
      const size = (d: ImageData) => ({ width: d.width, height: d.height });
      const stats = {
        input: size(a),
        output: size(b),
        mask: size(m),
        outside: 0,
        outsideChanged: 0,
        firstOutsideChange: null as null | { x: number; y: number; input: number[]; output: number[] },
        inside: 0,
        insideChanged: 0,
        insideMeanDelta: 0,
        full: 0,
        fullChanged: 0,
        maskNonGray: 0,
        truth: null as null | {
          watermarkPixels: number;
          inputError: number;
          outputError: number;
          allWatermarkPixels: number;
          maskCoverage: number;
        },
      };
      if (a.width !== b.width || a.height !== b.height || a.width !== m.width || a.height !== m.height) return stats;
      let deltaSum = 0;
      const truth = { watermarkPixels: 0, inputError: 0, outputError: 0, allWatermarkPixels: 0, covered: 0 };
      const ink = (i: number) =>
        c === null ? 0 : Math.abs(a.data[i] - c.data[i]) + Math.abs(a.data[i + 1] - c.data[i + 1]) + Math.abs(a.data[i + 2] - c.data[i + 2]);
      const sameSize = c !== null && c.width === a.width && c.height === a.height;
      for (let p = 0, i = 0; p < a.width * a.height; p++, i += 4) {
        const mv = m.data[i];
        if (m.data[i + 1] !== mv || m.data[i + 2] !== mv) stats.maskNonGray++;
        const changed =
          a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2] || a.data[i + 3] !== b.data[i + 3];
        if (c && sameSize && ink(i) > inkThreshold) {
          truth.allWatermarkPixels++;
          if (mv > 0) truth.covered++;
        }
        if (mv === 0) {
          stats.outside++;
          if (changed) {
            stats.outsideChanged++;
            if (!stats.firstOutsideChange) {
              stats.firstOutsideChange = {
                x: p % a.width,
                y: Math.floor(p / a.width),
                input: Array.from(a.data.subarray(i, i + 4)),
                output: Array.from(b.data.subarray(i, i + 4)),
              };
            }
          }
        } else {
          stats.inside++;
          if (changed) stats.insideChanged++;
          deltaSum += Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]);
          if (mv === 255) {
            stats.full++;
            if (changed) stats.fullChanged++;
          }
          if (c && sameSize) {
            const inErr = ink(i);
            if (inErr > inkThreshold) {
              truth.watermarkPixels++;
              truth.inputError += inErr;
              truth.outputError += Math.abs(b.data[i] - c.data[i]) + Math.abs(b.data[i + 1] - c.data[i + 1]) + Math.abs(b.data[i + 2] - c.data[i + 2]);
            }
          }
        }
      }
      stats.insideMeanDelta = stats.inside > 0 ? deltaSum / (3 * stats.inside) : 0;
      if (c && sameSize && truth.watermarkPixels > 0) {
        stats.truth = {
          watermarkPixels: truth.watermarkPixels,
          inputError: truth.inputError / (3 * truth.watermarkPixels),
          outputError: truth.outputError / (3 * truth.watermarkPixels),
          allWatermarkPixels: truth.allWatermarkPixels,
          maskCoverage: truth.covered / truth.allWatermarkPixels,
        };
      }
      return stats;
    },
    {
      inputB64: input.toString('base64'),
      outputB64: output.toString('base64'),
      maskB64: mask.toString('base64'),
      cleanB64: clean ? clean.toString('base64') : null,
      inkThreshold: INK_THRESHOLD,
    },
  );
}
