/**
 * The user's saved marks: save the active document's mark to IndexedDB, list,
 * export (PNG + JSON sidecar), import, delete, and use one on the active image
 * (found by matching, then inverted by the next removal).
 */
import type { MarkSidecar } from '../../worker/mark-protocol';
import { engine } from '../engine';
import { getDocData } from '../documents';
import { reportError } from '../errors';
import { addDocMark, getMarks, updateMarks } from '../marks-store';
import { deleteSavedMark, getSavedMark, listSavedMarks, putSavedMark, type SavedMarkRecord } from '../saved-marks-db';
import { activeDocMeta, pushToast, setDocStatus, setStatus } from '../store';
import { saveBlob } from './download-actions';
import { applyMarkMask, describeFound, dropIfCancelled } from './mark-actions';
import { beginTask, endTask } from './task';
import { t } from '../i18n';

const storageError = (e: unknown) => ({ code: 'E_PROCESSING', message: `the browser's storage refused it (${e instanceof Error ? e.message : String(e)})` });

/** Reloads the list. `quiet` (on first show): a browser without storage just shows none, until the user acts. */
export async function refreshSavedMarks(quiet = false): Promise<void> {
  try {
    const all = await listSavedMarks();
    updateMarks('ui', { saved: all.map(({ id, name, created, sidecar }) => ({ id, name, created, sidecar })) });
  } catch (e) {
    if (!quiet) reportError(storageError(e), t('context.savedMarks'));
  }
}

const newSavedId = () => `mark-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

/** Saves the active document's newest mark. */
export async function saveActiveMark(): Promise<void> {
  const meta = activeDocMeta();
  const mark = meta ? getMarks().byDoc[meta.id]?.at(-1) : undefined;
  if (!meta || !mark) return;
  try {
    const { png, sidecar } = await engine().exportMark(mark.markId);
    const name = `${meta.name} (${mark.source})`;
    await putSavedMark({ id: newSavedId(), name, created: Date.now(), png: new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }), sidecar });
    await refreshSavedMarks();
    setStatus('idle', t('status.markSaved', { name }));
  } catch (e) {
    reportError(e, t('context.saveMark'));
  }
}

function safeName(name: string): string {
  return name.replace(/[^\p{L}\p{N}._ -]+/gu, '_').trim() || 'mark';
}

export async function exportSavedMark(id: string): Promise<void> {
  try {
    const rec = await getSavedMark(id);
    if (!rec) throw new Error('it is no longer stored');
    const base = safeName(rec.name);
    saveBlob(rec.png, `${base}.png`);
    saveBlob(new Blob([JSON.stringify(rec.sidecar, null, 2)], { type: 'application/json' }), `${base}.json`);
  } catch (e) {
    reportError(e, t('context.exportMark'));
  }
}

export async function removeSavedMark(id: string): Promise<void> {
  try {
    await deleteSavedMark(id);
    await refreshSavedMarks();
  } catch (e) {
    reportError(storageError(e), t('context.deleteMark'));
  }
}

function readSidecar(text: string): MarkSidecar | null {
  try {
    const v = JSON.parse(text) as Partial<MarkSidecar>;
    return v.format === 'unmark-mark' && typeof v.opacity === 'number' ? (v as MarkSidecar) : null;
  } catch {
    return null;
  }
}

const stem = (name: string) => name.replace(/\.[^.]*$/, '');

/** Imports mark PNGs; a JSON sidecar with the same name (or the only one given) goes with its PNG. */
export async function importMarkFiles(files: readonly File[]): Promise<void> {
  const pngs = files.filter((f) => !/\.json$/i.test(f.name));
  const jsons = files.filter((f) => /\.json$/i.test(f.name));
  for (const file of pngs) {
    try {
      const json = jsons.find((j) => stem(j.name) === stem(file.name)) ?? (pngs.length === 1 && jsons.length === 1 ? jsons[0] : undefined);
      const given = json ? readSidecar(await json.text()) : null;
      if (json && !given) pushToast('info', 'SIDECAR', t('status.notSidecar', { name: json.name }));
      const bytes = new Uint8Array(await file.arrayBuffer());
      // The engine reads it first: a file that is no mark is refused (E_MARK_INVALID) before it is stored.
      const summary = await engine().importMark(bytes, given ?? undefined);
      const sidecar: MarkSidecar = given ?? {
        format: 'unmark-mark',
        version: 1,
        width: summary.width,
        height: summary.height,
        colour: summary.colour,
        opacity: summary.opacity,
      };
      const record: SavedMarkRecord = { id: newSavedId(), name: stem(file.name) || 'mark', created: Date.now(), png: file, sidecar };
      await putSavedMark(record);
      setStatus('idle', t('status.markImported', { name: record.name }));
    } catch (e) {
      reportError(e, t('context.importFile', { name: file.name }));
    }
  }
  await refreshSavedMarks();
}

/** "Use saved mark": find it in the active image, add it to the mask, and let removal invert it. */
export async function applySavedMark(id: string): Promise<void> {
  const meta = activeDocMeta();
  const doc = getDocData(meta?.id ?? null);
  if (!meta || !doc || doc.inGesture) return;
  const task = beginTask('detecting', meta.id, t('status.lookingSaved'));
  if (!task) return;
  try {
    const rec = await getSavedMark(id);
    if (!rec) throw new Error(t('status.savedMarkGone'));
    const summary = await engine().importMark(new Uint8Array(await rec.png.arrayBuffer()), rec.sidecar);
    const found = await engine().locateSavedMark(meta.id, summary.markId, task.signal);
    dropIfCancelled(task.signal, [found.proposal]);
    addDocMark(meta.id, { ...found.mark, mode: found.mode });
    await applyMarkMask(found.proposal, t('history.useMark', { name: rec.name }));
    setDocStatus(meta.id, 'idle', describeFound(found));
  } catch (e) {
    reportError(e, t('context.useSavedMark'), meta.id);
  } finally {
    endTask(task);
  }
}
