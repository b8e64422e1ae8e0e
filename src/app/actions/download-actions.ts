/** Downloads: the cleaned image at full resolution and the mask as a PNG, both encoded in the worker. */
import type { ImageFormat } from '../../engine/types';
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

export async function downloadMask(): Promise<void> {
  const meta = activeDocMeta();
  const doc = getDocData(meta?.id ?? null);
  if (!meta || !doc) return;
  try {
    // Grey = mask value, encoded in the worker, which holds the mask.
    saveBlob(await engine().masks.png(doc.id), `${meta.name}-mask.png`);
  } catch (e) {
    reportError(e, t('context.maskDownload'), meta.id);
  }
}
