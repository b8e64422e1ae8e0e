/**
 * The saved session: restored on start, saved as things change, cleared on
 * request. Saving watches the store (never the pointer): a change to an image's
 * mask (or its undo history: every step moves the mask's version), result or
 * queue state marks it dirty, and a debounced flush writes each dirty image in
 * its own transaction (session-db.ts), after the stroke in hand has ended. A
 * full disk stops saving with a clear message; what is on screen is never
 * touched by it. After the restore (session-restore.ts) the images that were
 * waiting for "Detect all" or "Remove all", or that it was on, go on by themselves.
 */
import { closeDoc } from '../actions/import-actions';
import { encodeResult } from '../actions/download-actions';
import { batchName, resumeQueue } from '../batch/batch-actions';
import { isQueued, jobToSave, settledJob } from '../batch/queue';
import { queueDoc } from '../batch/job';
import { getDocData } from '../documents';
import { engine } from '../engine';
import { errorCode, errorMessage } from '../errors';
import { getUi, pushToast, setStatus, update, useUi, type DocMeta, type SessionSave } from '../store';
import { journalRecord, type JournalRecord } from './journal-codec';
import { maskRecord } from './mask-codec';
import { clearAll, deleteDocs, isQuotaError, readResultPng, readSession, writeDoc, writeManifest, type DocWrite, type Manifest, type MaskRecord, type ResultRecord, type SavedDoc } from './session-db';
import { restoreDoc } from './session-restore';
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
const snapshotOf = (d: DocMeta): Saved => ({
  maskVersion: d.maskVersion,
  resultId: d.result?.resultId ?? null,
  jobKey: jobKey(d),
  threshold: d.threshold,
  showOverlay: d.showOverlay,
});
const setSave = (sessionSave: SessionSave) => update('ui', { sessionSave });
/**
 * The saved fields of every image, in strip order. Only a change to these
 * pushes the debounced save back: Remove's progress changes the store a few
 * times a second, and used to postpone the save until the whole queue was done,
 * so a reload mid-"Remove all" found no image waiting.
 */
const savedFields = (docs: readonly DocMeta[]): string => docs.map((d) => `${d.key}:${JSON.stringify(snapshotOf(d))}`).join('|');

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

/** A run of changes closer together than DEBOUNCE_MS (a fast Detect all) still saves at least this often. */
const MAX_WAIT_MS = 2000;
let pendingSince: number | null = null;

function schedule(): void {
  if (!enabled || getUi().sessionSave === 'full') return;
  const now = performance.now();
  pendingSince ??= now;
  if (timer) clearTimeout(timer);
  setSave('pending');
  timer = setTimeout(
    () => {
      timer = null;
      pendingSince = null;
      void flush();
    },
    Math.max(0, Math.min(DEBOUNCE_MS, pendingSince + MAX_WAIT_MS - now)),
  );
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
  const snapshot = snapshotOf(d);
  let maskVersion = d.maskVersion;
  const write: DocWrite = { key: d.key, state: { key: d.key, job: jobToSave(d.job, settledJob(queueDoc(d))), threshold: d.threshold, showOverlay: d.showOverlay, format: d.format, resultCurrent: false } };
  if (!last) write.image = { key: d.key, name: d.name, ext: doc.ext, file: doc.file };
  if (!last || last.maskVersion !== d.maskVersion) {
    const { mask, journal, version } = await maskAndJournal(d);
    write.mask = mask;
    write.journal = journal;
    maskVersion = version;
  }
  write.state.resultCurrent = !!d.result && d.result.maskVersion === maskVersion;
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

/**
 * The mask (deflated in the worker, which holds it) and the undo history that
 * ends on it (the client's journal), of one version: a change that came in
 * between asks again, so the two records never disagree. A journal past the
 * size bound is not kept (null deletes the stored one): the mask alone restores.
 */
async function maskAndJournal(d: DocMeta): Promise<{ mask: MaskRecord; journal: JournalRecord | null; version: number }> {
  const masks = engine().masks;
  for (let attempt = 0; ; attempt++) {
    const packed = await masks.packed(d.id);
    const state = masks.journalState(d.id);
    const mask = { key: d.key, ...maskRecord(packed) };
    if (state?.version === packed.version) return { mask, journal: journalRecord(d.key, state), version: packed.version };
    // Still moving after a few tries: the mask alone now; the change makes the image dirty, so it is written again.
    if (attempt >= 2) return { mask, journal: null, version: packed.version };
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
    let skipped = false;
    for (const d of s.docs) {
      if (!isDirty(d)) continue;
      // A stroke in progress: tried again after it (an aborted stroke changes nothing that would).
      if (getDocData(d.id)?.inGesture) skipped = true;
      else await writeOne(d, keys);
    }
    // The order or the active image may have changed without any image changing.
    const manifest = manifestOf(keys);
    if (JSON.stringify(manifest) !== lastManifest) await writeManifest(manifest);
    lastManifest = JSON.stringify(manifest);
    // Another change came in while this one was written (the worker was busy): still pending.
    if (skipped) schedule();
    else if (!timer) setSave('saved');
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
let lastFields = '';

/** Starts saving (after the restore, so the restore does not write itself back). */
function startSync(): void {
  enabled = true;
  useUi.subscribe((s) => {
    if (s.docs === lastDocs && s.activeId === lastActive) return;
    const activeChanged = s.activeId !== lastActive;
    const fields = savedFields(s.docs);
    const fieldsChanged = fields !== lastFields;
    lastDocs = s.docs;
    lastActive = s.activeId;
    lastFields = fields;
    if (activeChanged || (fieldsChanged && (saved.size !== s.docs.length || s.docs.some(isDirty)))) schedule();
  });
  // Images opened while the session was being restored.
  if (getUi().docs.some(isDirty)) schedule();
}

/** Brings back the last session's images, masks with their undo history, results and queue states, then starts saving and resumes the queue. */
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
        const now = await restoreDoc(rec);
        if (now) saved.set(now.key, snapshotOf(now));
        restored++;
      } catch (e) {
        notRestored(rec, e);
      }
    }
    const active = getUi().docs.find((d) => d.key === session.manifest.activeKey) ?? getUi().docs[0];
    if (active) update('ui', { activeId: active.id });
    setStatus('idle', tn('status.restored', restored));
  }
  startSync();
  if (!timer) setSave('saved');
  if (getUi().docs.some((d) => isQueued(d.job))) void resumeWhenStarted();
}

/** An image that did not come back; one that was in the queue leaves it, and the message says so. */
function notRestored({ image, state }: SavedDoc, e: unknown): void {
  const kind = state && isQueued(state.job) ? state.job.kind : undefined;
  const message = errorMessage(e);
  pushToast('error', errorCode(e), kind ? t('status.queueDropped', { name: image.name, run: batchName(kind), message }) : t('status.notRestored', { name: image.name, message }));
}

/**
 * Resumes the queue once the engine has started (or failed to: then each image
 * fails with its code), so Remove uses the method the models make the default.
 * The promise is the one startup made; after a failure it is tried again, as a
 * Detect would.
 */
async function resumeWhenStarted(): Promise<void> {
  await engine()
    .init()
    .catch(() => undefined);
  await resumeQueue();
}

/** "Clear session": closes every image and deletes the saved session. */
export async function clearSession(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  pendingSince = null;
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
