/** Detection: find watermark regions, then build the mask from them (one undoable "Detect" step). */
import { engine } from '../engine';
import { getDocData } from '../documents';
import { reportError } from '../errors';
import { activeDocMeta, getUi, pushToast, setStatus, update, updateDoc } from '../store';
import { replaceMask } from './mask-actions';
import { beginTask, endTask } from './task';

export async function detectActive(): Promise<void> {
  const meta = activeDocMeta();
  const doc = getDocData(meta?.id ?? null);
  if (!meta || !doc) return;
  const task = beginTask('detecting', meta.id, 'Detecting watermarks…');
  if (!task) return;
  try {
    const result = await engine().detect(meta.id, { threshold: meta.threshold }, task.signal);
    updateDoc('ui', meta.id, {
      detection: { detectionId: result.detectionId, regions: result.regions, ms: result.ms, backend: result.backend },
      disabledRegionIds: result.regions.filter((r) => !r.enabled).map((r) => r.id),
    });
    const n = result.regions.length;
    if (n === 0) {
      setStatus('idle', 'No watermark found. Paint the mask by hand.');
      pushToast('info', 'NO_REGIONS', 'No watermark found. Paint over it with the brush (B).');
      return;
    }
    if (await applyDetectionMask(meta.id, 'Detect')) setStatus('idle', `Found ${n} region${n === 1 ? '' : 's'} in ${Math.round(result.ms)} ms`);
  } catch (e) {
    reportError(e, 'Detection');
  } finally {
    endTask(task);
  }
}

let maskSeq = 0;

/** Rebuilds the mask from the current detection, threshold and switched-off regions. Replaces manual edits (undoable). */
export async function applyDetectionMask(docId: string, label: string): Promise<boolean> {
  const meta = getUi().docs.find((d) => d.id === docId);
  const doc = getDocData(docId);
  if (!meta?.detection || !doc) return false;
  const seq = ++maskSeq;
  try {
    const mask = await engine().detectionMask(meta.detection.detectionId, {
      threshold: meta.threshold,
      disabledRegionIds: meta.disabledRegionIds,
      dilatePx: getUi().detectDilatePx,
    });
    // Only the latest request wins when the slider moves faster than the worker.
    if (seq !== maskSeq || !getDocData(docId)) return false;
    replaceMask(doc, mask, label);
    return true;
  } catch (e) {
    reportError(e, 'Detection mask');
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
  scheduleRecompute(docId, `Detect (threshold ${Math.round(threshold * 100)}%)`);
}

export function toggleRegion(docId: string, regionId: number, enabled: boolean): void {
  const meta = getUi().docs.find((d) => d.id === docId);
  if (!meta) return;
  const others = meta.disabledRegionIds.filter((id) => id !== regionId);
  updateDoc('ui', docId, { disabledRegionIds: enabled ? others : [...others, regionId] });
  scheduleRecompute(docId, enabled ? `Enable region ${regionId}` : `Disable region ${regionId}`);
}

export function setDetectDilate(px: number): void {
  update('ui', { detectDilatePx: px });
  const meta = activeDocMeta();
  if (meta?.detection) scheduleRecompute(meta.id, `Detect (grow ${px}px)`);
}
