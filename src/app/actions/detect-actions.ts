/** Detection: find watermark regions, then build the mask from them (one undoable "Detect" step). */
import { engine } from '../engine';
import { getDocData } from '../documents';
import { reportError } from '../errors';
import { throwIfAborted, WmError } from '../../engine/errors';
import { formatNumber } from '../format';
import { recordOutcome } from '../batch/job';
import { activeDocMeta, getUi, pushToast, setDocStatus, update, updateDoc } from '../store';
import { addDocMark } from '../marks-store';
import { acceptProposal } from './mask-actions';
import { beginTask, endTask, type Task } from './task';
import { t, tn } from '../i18n';

export async function detectActive(): Promise<void> {
  const meta = activeDocMeta();
  if (!meta || !getDocData(meta.id)) return;
  const task = beginTask('detecting', meta.id, t('status.detecting'));
  if (!task) return;
  try {
    const n = await detectDoc(meta.id, task);
    recordOutcome('detect', meta.id);
    if (n === 0) pushToast('info', 'NO_REGIONS', t('status.noRegions'));
  } catch (e) {
    recordOutcome('detect', meta.id, e);
    reportError(e, t('context.detection'), meta.id);
  } finally {
    endTask(task);
  }
}

/**
 * Detects one image inside a task the caller began, builds its mask (one
 * undoable "Detect" step) and says so on the image's status line. Returns the
 * number of regions; rejects with the engine's error, leaving mask and history as they were.
 */
export async function detectDoc(docId: string, task: Task): Promise<number> {
  const meta = getUi().docs.find((d) => d.id === docId);
  if (!meta || !getDocData(docId)) throw new WmError('E_PROCESSING', 'The image was closed.');
  const result = await engine().detect(docId, { threshold: meta.threshold }, task.signal);
  throwIfAborted(task.signal);
  // A tiled mark the worker found and registered: show it beside the other marks (α preview, opacity).
  if (result.tiled) addDocMark(docId, { ...result.tiled, mode: 'lattice' });
  updateDoc('ui', docId, {
    detection: { detectionId: result.detectionId, regions: result.regions, ms: result.ms, backend: result.backend },
    disabledRegionIds: result.regions.filter((r) => !r.enabled).map((r) => r.id),
  });
  const n = result.regions.length;
  if (n === 0) {
    setDocStatus(docId, 'idle', t('status.noRegionsStatus'));
    return 0;
  }
  const ms = formatNumber(Math.round(result.ms));
  const said = result.tiled ? tn('status.foundWithTiled', n, { ms, repeats: formatNumber(result.tiled.instances) }) : tn('status.found', n, { ms });
  if (await applyDetectionMask(docId, t('history.detect'))) setDocStatus(docId, 'idle', said);
  return n;
}

let maskSeq = 0;

/** Rebuilds the mask from the current detection, threshold and switched-off regions. Replaces manual edits (undoable). */
export async function applyDetectionMask(docId: string, label: string): Promise<boolean> {
  const meta = getUi().docs.find((d) => d.id === docId);
  const doc = getDocData(docId);
  if (!meta?.detection || !doc) return false;
  const seq = ++maskSeq;
  try {
    const proposal = await engine().masks.detection(docId, meta.detection.detectionId, {
      threshold: meta.threshold,
      disabledRegionIds: meta.disabledRegionIds,
      dilatePx: getUi().detectDilatePx,
    });
    // Only the latest request wins when the slider moves faster than the worker.
    if (seq !== maskSeq || !getDocData(docId)) {
      engine().masks.drop(proposal);
      return false;
    }
    // Detect's mask replaces manual edits on purpose (undo brings them back).
    await acceptProposal(proposal, label, { ifUnchanged: false });
    return true;
  } catch (e) {
    reportError(e, t('context.detectionMask'), docId);
    return false;
  }
}

let debounce: ReturnType<typeof setTimeout> | null = null;

function scheduleRecompute(docId: string, label: string): void {
  if (debounce) clearTimeout(debounce);
  debounce = setTimeout(() => {
    debounce = null;
    void applyDetectionMask(docId, label);
  }, 150);
}

export function setThreshold(docId: string, threshold: number): void {
  updateDoc('ui', docId, { threshold });
  scheduleRecompute(docId, t('history.detectThreshold', { pct: Math.round(threshold * 100) }));
}

export function toggleRegion(docId: string, regionId: number, enabled: boolean): void {
  const meta = getUi().docs.find((d) => d.id === docId);
  if (!meta) return;
  const others = meta.disabledRegionIds.filter((id) => id !== regionId);
  updateDoc('ui', docId, { disabledRegionIds: enabled ? others : [...others, regionId] });
  scheduleRecompute(docId, enabled ? t('history.enableRegion', { id: regionId }) : t('history.disableRegion', { id: regionId }));
}

export function setDetectDilate(px: number): void {
  update('ui', { detectDilatePx: px });
  const meta = activeDocMeta();
  if (meta?.detection) scheduleRecompute(meta.id, t('history.detectGrow', { px }));
}
