/**
 * "Download all": one ZIP of every image that has a result, each as
 * `<name>-clean.png` at full resolution. The PNG bytes come from the same
 * encode as the single Download (encodeResult), and are stored, not deflated
 * again (PNG is compressed already). fflate streams the archive entry by entry.
 */
import { Zip, ZipPassThrough } from 'fflate';
import { encodeResult, saveBlob } from '../actions/download-actions';
import { getDocData } from '../documents';
import { errorCode, errorMessage } from '../errors';
import { formatNumber } from '../format';
import { getUi, pushToast, setStatus, update } from '../store';
import { zipEntryNames } from './queue';
import { t, tn } from '../i18n';

export const ZIP_NAME = 'unmark-clean.zip';

export async function downloadAll(): Promise<void> {
  const s = getUi();
  if (s.zipping) return;
  const docs = s.docs.filter((d) => d.result && getDocData(d.id));
  if (docs.length === 0) return;
  update('ui', { zipping: true });
  setStatus('idle', tn('batch.packing', docs.length));
  try {
    // Each chunk goes into a Blob at once, so the page never holds the whole archive
    // as JS memory (the browser keeps Blobs in its own store, on disk when large).
    const parts: Blob[] = [];
    let finish: () => void = () => undefined;
    let fail: (e: unknown) => void = () => undefined;
    const finished = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    const zip = new Zip((err, chunk, final) => {
      if (err) return fail(err);
      parts.push(new Blob([chunk as Uint8Array<ArrayBuffer>]));
      if (final) finish();
    });
    const names = zipEntryNames(docs.map((d) => d.name));
    let packed = 0;
    for (const [i, meta] of docs.entries()) {
      const doc = getDocData(meta.id);
      if (!doc) continue;
      try {
        const png = new Uint8Array(await (await encodeResult(meta, doc, 'png')).arrayBuffer());
        const entry = new ZipPassThrough(names[i]);
        zip.add(entry);
        entry.push(png, true);
        packed++;
      } catch (e) {
        // One image that cannot be encoded does not cost the others.
        pushToast('error', errorCode(e), t('batch.zipLeftOut', { name: meta.name, message: errorMessage(e) }));
      }
    }
    zip.end();
    await finished;
    if (packed === 0) throw new Error('no image could be encoded');
    saveBlob(new Blob(parts, { type: 'application/zip' }), ZIP_NAME);
    const skipped = getUi().docs.length - packed;
    setStatus('idle', `${tn('batch.zipSaved', packed, { zip: ZIP_NAME })}${skipped > 0 ? t('batch.zipSkipped', { n: formatNumber(skipped) }) : ''}`);
  } catch (e) {
    pushToast('error', 'E_ENCODE_FAILED', t('status.errorToast', { context: t('context.downloadAll'), message: errorMessage(e) }));
    setStatus('error', t('status.failed', { context: t('context.downloadAll'), code: 'E_ENCODE_FAILED' }));
  } finally {
    update('ui', { zipping: false });
  }
}
