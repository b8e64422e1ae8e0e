/** Bringing images in: files from the picker, drop, paste and the PWA launch queue. */
import { engine } from '../engine';
import { addDocData, getDocData, removeDocData } from '../documents';
import { reportError } from '../errors';
import { limitsFromUrl, memoryBudgetFromUrl } from '../limits';
import { getUi, setStatus, update, type DocMeta } from '../store';
import { cancelTaskFor } from './task';
import { IDLE_JOB } from '../batch/queue';
import { t, tn } from '../i18n';

function splitName(fileName: string): { base: string; ext: string } {
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0) return { base: fileName || 'image', ext: '' };
  return { base: fileName.slice(0, dot), ext: fileName.slice(dot + 1).toLowerCase() };
}

let pending = 0;

const newKey = () => (typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `doc-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);

/**
 * Decodes one file in the worker and adds it to the strip (not made active).
 * `restored` carries the name and key of an image coming back from the saved session.
 * Rejects with the engine's error; nothing is left half-open.
 */
export async function openImage(file: Blob, fileName: string, restored?: { key: string; name: string; ext: string }): Promise<DocMeta> {
  let decodedId: string | null = null;
  try {
    // Files are opened one after the other, so each sees the ones before it in the budget.
    const openPixels = getUi().docs.reduce((sum, d) => sum + d.width * d.height, 0);
    const info = await engine().decode(file, limitsFromUrl(), { openPixels, maxBytes: memoryBudgetFromUrl() });
    decodedId = info.docId;
    const { base, ext } = restored ? { base: restored.name, ext: restored.ext } : splitName(fileName || 'pasted-image');
    addDocData(info.docId, info.bitmap, ext, file);
    const meta: DocMeta = {
      id: info.docId,
      key: restored?.key ?? newKey(),
      name: base,
      width: info.width,
      height: info.height,
      format: info.format,
      hasAlpha: info.hasAlpha,
      maskVersion: 0,
      maskCount: 0,
      undoLabel: null,
      redoLabel: null,
      detection: null,
      threshold: 0.5,
      disabledRegionIds: [],
      result: null,
      showOverlay: true,
      job: IDLE_JOB,
      statusLine: null,
    };
    update('ui', (s) => ({ docs: [...s.docs, meta] }));
    return meta;
  } catch (e) {
    // Decoded but not set up here (e.g. no canvas memory): free the worker's copy too.
    if (decodedId && !getDocData(decodedId)) engine().release(decodedId);
    throw e;
  }
}

export async function importFiles(files: readonly File[]): Promise<void> {
  if (files.length === 0) return;
  pending += files.length;
  setStatus('loading', tn('status.opening', files.length, { name: files[0].name || t('status.image') }));
  let opened = 0;
  let failed = false;
  for (const file of files) {
    try {
      const meta = await openImage(file, file.name);
      update('ui', { activeId: meta.id });
      opened++;
    } catch (e) {
      failed = true;
      reportError(e, t('status.couldNotOpen', { name: file.name || t('status.theImage') }));
    } finally {
      pending--;
    }
  }
  if (pending === 0 && !failed) setStatus('idle', tn('status.opened', opened));
}

export function closeDoc(id: string): void {
  const s = getUi();
  const idx = s.docs.findIndex((d) => d.id === id);
  if (idx < 0) return;
  const doc = getDocData(id);
  if (doc?.inGesture) return;
  const docs = s.docs.filter((d) => d.id !== id);
  const activeId = s.activeId === id ? (docs[Math.min(idx, docs.length - 1)]?.id ?? null) : s.activeId;
  const views = { ...s.views };
  delete views[id];
  cancelTaskFor(id);
  update('ui', { docs, activeId, views });
  removeDocData(id);
  engine().release(id);
}

export function setActiveDoc(id: string): void {
  update('ui', { activeId: id, holdOriginal: false });
}

/** Image files from a DataTransfer (drop or paste), ignoring text and other items. */
export function filesFromDataTransfer(dt: DataTransfer | null): File[] {
  if (!dt) return [];
  const files: File[] = [];
  if (dt.files && dt.files.length > 0) {
    for (const f of Array.from(dt.files)) files.push(f);
    return files;
  }
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const f = item.getAsFile();
    if (f) files.push(f);
  }
  return files;
}
