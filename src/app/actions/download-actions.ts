/** Downloads: the cleaned image at full resolution (encoded in the worker) and the mask as a PNG. */
import { maskToOverlayRgba } from '../../engine/mask';
import type { ImageFormat, Mask } from '../../engine/types';
import { WmError } from '../../engine/errors';
import { engine } from '../engine';
import { getDocData, type DocData } from '../documents';
import { reportError } from '../errors';
import { activeDocMeta, getUi, setDocStatus, type DocMeta } from '../store';
import { t } from '../i18n';

const defaultExt: Record<ImageFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' };
const extFormat: Record<string, ImageFormat> = { png: 'png', jpg: 'jpeg', jpeg: 'jpeg', jfif: 'jpeg', webp: 'webp' };

export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const QUALITY = 0.95;

/**
 * The result as the worker encodes it for a download, at full resolution. The
 * PNG is kept on the document, so the single download, "Download all" and the
 * saved session hand out the same bytes. After a reload the kept PNG is all
 * there is of the result: another format is then encoded from it.
 */
export async function encodeResult(meta: DocMeta, doc: DocData, format: ImageFormat): Promise<Blob> {
  if (!meta.result) throw new WmError('E_PROCESSING', 'This image has no result yet.');
  if (format === 'png' && doc.resultPng) return doc.resultPng;
  if (isRestoredResult(meta.result.resultId)) {
    if (!doc.resultPng) throw new WmError('E_PROCESSING', 'The saved result is missing; press Remove again.');
    const info = await engine().decode(doc.resultPng);
    info.bitmap.close();
    try {
      return await engine().encode({ docId: info.docId }, { format, quality: QUALITY });
    } finally {
      engine().release(info.docId);
    }
  }
  const resultId = meta.result.resultId;
  const blob = await engine().encode({ resultId }, { format, quality: QUALITY });
  // Only if it is still the same result: a removal may have finished meanwhile.
  if (format === 'png' && getUi().docs.find((d) => d.id === meta.id)?.result?.resultId === resultId) doc.resultPng = blob;
  return blob;
}

/** A result that came back from the saved session: the worker no longer holds it. */
export const RESTORED_PREFIX = 'restored:';
export const isRestoredResult = (resultId: string): boolean => resultId.startsWith(RESTORED_PREFIX);

export async function downloadResult(): Promise<void> {
  const meta = activeDocMeta();
  const doc = getDocData(meta?.id ?? null);
  if (!meta?.result || !doc) return;
  const format: ImageFormat = getUi().exportFormat === 'png' ? 'png' : meta.format;
  // Keep the user's spelling of the extension (.jpeg vs .jpg) when it names the same format.
  const ext = extFormat[doc.ext] === format ? doc.ext : defaultExt[format];
  try {
    saveBlob(await encodeResult(meta, doc, format), `${meta.name}-clean.${ext}`);
    setDocStatus(meta.id, meta.statusLine?.status === 'error' ? 'idle' : (meta.statusLine?.status ?? 'idle'), t('status.savedFile', { file: `${meta.name}-clean.${ext}` }));
  } catch (e) {
    reportError(e, t('context.download'), meta.id);
  }
}

/**
 * The mask as a grayscale PNG. maskToOverlayRgba gives white with A = mask;
 * drawn over opaque black that composites to gray = mask value exactly, so no
 * per-pixel loop runs here.
 */
async function maskToPng(mask: Mask): Promise<Blob> {
  const layer = document.createElement('canvas');
  layer.width = mask.width;
  layer.height = mask.height;
  const rows = Math.max(1, Math.floor((1 << 20) / mask.width));
  const lctx = layer.getContext('2d');
  const out = document.createElement('canvas');
  out.width = mask.width;
  out.height = mask.height;
  const octx = out.getContext('2d');
  if (!lctx || !octx) throw new Error('2D canvas is not available');
  for (let y = 0; y < mask.height; y += rows) {
    const h = Math.min(rows, mask.height - y);
    const rgba = maskToOverlayRgba(mask, { x: 0, y, width: mask.width, height: h }, [255, 255, 255]);
    lctx.putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer as ArrayBuffer, rgba.byteOffset, mask.width * h * 4), mask.width, h), 0, y);
  }
  octx.fillStyle = '#000';
  octx.fillRect(0, 0, mask.width, mask.height);
  octx.drawImage(layer, 0, 0);
  layer.width = 0;
  return new Promise((resolve, reject) =>
    out.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
  );
}

export async function downloadMask(): Promise<void> {
  const meta = activeDocMeta();
  const doc = getDocData(meta?.id ?? null);
  if (!meta || !doc) return;
  try {
    saveBlob(await maskToPng(doc.mask), `${meta.name}-mask.png`);
  } catch (e) {
    reportError({ code: 'E_ENCODE_FAILED', message: e instanceof Error ? e.message : String(e) }, t('context.maskDownload'), meta.id);
  }
}
