/**
 * The saved session: restored on start, saved as things change, cleared on
 * request. Saving watches the store (never the pointer): a change to an image's
 * mask, result or queue state marks it dirty, and a debounced flush writes each
 * dirty image in its own transaction (session-db.ts), after the stroke in hand
 * has ended. A full disk stops saving with a clear message; what is on screen
 * is never touched by it.
 */
import { closeDoc, openImage } from '../actions/import-actions';
import { encodeResult, RESTORED_PREFIX } from '../actions/download-actions';
import { applyMaskChange } from '../actions/mask-actions';
import { settledJob, isQueued } from '../batch/queue';
import { queueDoc } from '../batch/job';
import { getDocData, isOnScreen, setResultBitmap } from '../documents';
import { engine } from '../engine';
import { errorCode, errorMessage } from '../errors';
import { getUi, pushToast, setStatus, update, updateDoc, useUi, type DocMeta, type SessionSave } from '../store';
import { maskRecord, maskZlib } from './mask-codec';
import { clearAll, deleteDocs, isQuotaError, readResultPng, readSession, writeDoc, writeManifest, type DocWrite, type Manifest, type ResultRecord } from './session-db';
import { t, tn } from '../i18n';

const DEBOUNCE_MS = 700;

/** What was last written for each image, to tell what changed. */
interface Saved {
  maskVersion: number;
  resultId: string | null;
  jobKey: string;
  threshold: number;
  showOverlay: boolean;
}

const saved = new Map<string, Saved>();
let timer: ReturnType<typeof setTimeout> | null = null;
let flushing: Promise<void> | null = null;
let enabled = false;
let lastManifest = '';

const jobKey = (d: DocMeta) => `${d.job.state}|${d.job.code ?? ''}`;
const setSave = (sessionSave: SessionSave) => update('ui', { sessionSave });

function manifestOf(keys: ReadonlySet<string>): Manifest {
  const s = getUi();
  return {
    order: s.docs.map((d) => d.key).filter((k) => keys.has(k)),
    activeKey: s.docs.find((d) => d.id === s.activeId)?.key ?? null,
  };
}

function isDirty(d: DocMeta): boolean {
  const last = saved.get(d.key);
  return (
    !last ||
    last.maskVersion !== d.maskVersion ||
    last.resultId !== (d.result?.resultId ?? null) ||
    last.jobKey !== jobKey(d) ||
    last.threshold !== d.threshold ||
    last.showOverlay !== d.showOverlay
  );
}

function schedule(): void {
  if (!enabled || getUi().sessionSave === 'full') return;
  if (timer) clearTimeout(timer);
  setSave('pending');
  timer = setTimeout(() => {
    timer = null;
    void flush();
  }, DEBOUNCE_MS);
}

async function resultRecord(d: DocMeta): Promise<ResultRecord | null> {
  const doc = getDocData(d.id);
  if (!d.result || !doc) return null;
  let png: Blob;
  try {
    // The download's own PNG: a restored result downloads the same bytes as before the reload.
    png = await encodeResult(d, doc, 'png');
  } catch {
    // The worker lost it (a restart): the image and mask are still saved; Remove makes it again.
    return null;
  }
  const { method, tiles, ms, backend, regions, marksUsed } = d.result;
  return { key: d.key, png, method, tiles, ms, backend, ...(regions ? { regions } : {}), ...(marksUsed !== undefined ? { marksUsed } : {}) };
}

async function writeOne(d: DocMeta, keys: Set<string>): Promise<void> {
  const doc = getDocData(d.id);
  if (!doc) return;
  const last = saved.get(d.key);
  const snapshot: Saved = { maskVersion: d.maskVersion, resultId: d.result?.resultId ?? null, jobKey: jobKey(d), threshold: d.threshold, showOverlay: d.showOverlay };
  const write: DocWrite = {
    key: d.key,
    state: {
      key: d.key,
      job: isQueued(d.job) ? settledJob(queueDoc(d)) : d.job,
      threshold: d.threshold,
      showOverlay: d.showOverlay,
      format: d.format,
      resultCurrent: !!d.result && d.result.maskVersion === d.maskVersion,
    },
  };
  if (!last) write.image = { key: d.key, name: d.name, ext: doc.ext, file: doc.file };
  // Deflated in the worker, which holds the mask.
  if (!last || last.maskVersion !== d.maskVersion) write.mask = { key: d.key, ...maskRecord(await engine().masks.packed(d.id)) };
  // The result's PNG only when it is a new result: a stroke rewrites the mask and the state, not megabytes of PNG.
  if (!last || last.resultId !== snapshot.resultId) write.result = await resultRecord(d);
  keys.add(d.key);
  const manifest = manifestOf(keys);
  await writeDoc(write, manifest);
  lastManifest = JSON.stringify(manifest);
  saved.set(d.key, snapshot);
  // The PNG kept on the document is now the stored copy, backed by a file: 200 results of 12 MP
  // held as the worker's encodes grew the browser by their size (issue 10, the memory bench).
  const png = write.result?.png;
  if (png && doc.resultPng === png) {
    const stored = await readResultPng(d.key).catch(() => null);
    if (stored && stored.size === png.size && doc.resultPng === png) doc.resultPng = stored;
  }
}

async function flushOnce(): Promise<void> {
  const s = getUi();
  const keys = new Set(saved.keys());
  const gone = [...keys].filter((k) => !s.docs.some((d) => d.key === k));
  for (const k of gone) keys.delete(k);
  try {
    if (gone.length > 0) {
      const manifest = manifestOf(keys);
      await deleteDocs(gone, manifest);
      lastManifest = JSON.stringify(manifest);
      for (const k of gone) saved.delete(k);
    }
    for (const d of s.docs) {
      // A stroke in progress: its end marks the image dirty again.
      if (!isDirty(d) || getDocData(d.id)?.inGesture) continue;
      await writeOne(d, keys);
    }
    // The order or the active image may have changed without any image changing.
    const manifest = manifestOf(keys);
    if (JSON.stringify(manifest) !== lastManifest) await writeManifest(manifest);
    lastManifest = JSON.stringify(manifest);
    setSave('saved');
  } catch (e) {
    if (isQuotaError(e)) {
      setSave('full');
      pushToast('error', 'E_STORAGE_FULL', t('status.storageFull'));
    } else {
      setSave('error');
      pushToast('error', 'E_STORAGE', t('status.sessionNotSaved', { message: errorMessage(e), code: errorCode(e) }));
    }
  }
}

async function flush(): Promise<void> {
  while (flushing) await flushing;
  flushing = flushOnce();
  try {
    await flushing;
  } finally {
    flushing = null;
  }
}

let lastDocs: DocMeta[] | null = null;
let lastActive: string | null = null;

/** Starts saving (after the restore, so the restore does not write itself back). */
function startSync(): void {
  enabled = true;
  useUi.subscribe((s) => {
    if (s.docs === lastDocs && s.activeId === lastActive) return;
    const activeChanged = s.activeId !== lastActive;
    lastDocs = s.docs;
    lastActive = s.activeId;
    if (activeChanged || saved.size !== s.docs.length || s.docs.some(isDirty)) schedule();
  });
  // Images opened while the session was being restored.
  if (getUi().docs.some(isDirty)) schedule();
}

/** Brings back the last session's images, masks, results and queue states, then starts saving. */
export async function restoreSession(): Promise<void> {
  let session: Awaited<ReturnType<typeof readSession>> = null;
  try {
    session = await readSession();
  } catch {
    // No storage (private mode, blocked): the app works, the session just is not kept.
    setSave('off');
    return;
  }
  if (session && session.docs.length > 0) {
    const n = session.docs.length;
    setStatus('loading', tn('status.restoring', n));
    let restored = 0;
    for (const rec of session.docs) {
      try {
        await restoreOne(rec);
        restored++;
      } catch (e) {
        pushToast('error', errorCode(e), t('status.notRestored', { name: rec.image.name, message: errorMessage(e) }));
      }
    }
    const active = getUi().docs.find((d) => d.key === session.manifest.activeKey) ?? getUi().docs[0];
    if (active) update('ui', { activeId: active.id });
    setStatus('idle', tn('status.restored', restored));
  }
  startSync();
  setSave('saved');
}

async function restoreOne({ image, mask, result, state }: NonNullable<Awaited<ReturnType<typeof readSession>>>['docs'][number]): Promise<void> {
  const meta = await openImage(image.file, image.name, { key: image.key, name: image.name, ext: image.ext });
  const doc = getDocData(meta.id);
  if (!doc) return;
  let maskVersion = 0;
  if (mask && mask.width === doc.width && mask.height === doc.height) {
    // The starting state, not an edit: nothing to undo back to. Sent to the worker once, inflated there.
    const change = await engine().masks.load(doc.id, await maskZlib(mask), isOnScreen(doc.id));
    applyMaskChange(change);
    maskVersion = change?.version ?? 0;
  }
  if (result) {
    setResultBitmap(doc, await createImageBitmap(result.png, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' }));
    doc.resultPng = result.png;
    const { png: _png, key: _key, ...info } = result;
    const current = state?.resultCurrent ?? false;
    updateDoc('ui', meta.id, { result: { resultId: `${RESTORED_PREFIX}${image.key}`, ...info, maskVersion: current ? maskVersion : -1 } });
  }
  if (state) updateDoc('ui', meta.id, { job: state.job, threshold: state.threshold, showOverlay: state.showOverlay });
  const now = getUi().docs.find((d) => d.id === meta.id);
  if (now) saved.set(now.key, { maskVersion: now.maskVersion, resultId: now.result?.resultId ?? null, jobKey: jobKey(now), threshold: now.threshold, showOverlay: now.showOverlay });
}

/** "Clear session": closes every image and deletes the saved session. */
export async function clearSession(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  while (flushing) await flushing;
  for (const d of getUi().docs) closeDoc(d.id);
  saved.clear();
  lastManifest = '';
  try {
    await clearAll();
    setSave('saved');
    setStatus('idle', t('status.sessionCleared'));
  } catch (e) {
    pushToast('error', 'E_STORAGE', t('status.sessionNotDeleted', { message: errorMessage(e) }));
  }
}

let restoring = false;
/** For App's effect: StrictMode runs effects twice, the restore must run once. */
export function restoreOnce(): void {
  if (restoring) return;
  restoring = true;
  void restoreSession();
}
