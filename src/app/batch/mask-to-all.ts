/**
 * "Use this mask for all images": the active image's mask becomes every other
 * open image's mask, as one undoable step on each (undo on an image brings its
 * own mask back). Same size: copied; another size: scaled nearest-neighbour to
 * that image's size (engine/mask-scale.ts), the rule the button's tooltip
 * states. The worker does it on the masks it holds, in one call.
 */
import { applyMaskChange } from '../actions/mask-actions';
import { getDocData, isOnScreen } from '../documents';
import { engine } from '../engine';
import { reportError } from '../errors';
import { formatNumber } from '../format';
import { activeDocMeta, getUi, pushToast, setDocStatus } from '../store';
import { t, tn } from '../i18n';

export async function applyMaskToAll(): Promise<void> {
  const active = activeDocMeta();
  const source = getDocData(active?.id ?? null);
  if (!active || !source || source.inGesture || active.maskCount === 0) return;
  let copied = 0;
  let scaled = 0;
  let skipped = 0;
  const label = t('history.maskFrom', { name: active.name });
  const targets = [];
  for (const d of getUi().docs) {
    if (d.id === active.id) continue;
    const doc = getDocData(d.id);
    // A stroke in progress there, or the worker on it: leave that image as it is.
    if (!doc || doc.inGesture || getUi().busyDocId === d.id) skipped++;
    else targets.push(d);
  }
  let changes;
  try {
    changes = await engine().masks.toAll(active.id, targets.map((d) => ({ docId: d.id, label, bytes: isOnScreen(d.id) })));
  } catch (e) {
    reportError(e, t('mask.toAll'), active.id);
    return;
  }
  targets.forEach((d, k) => {
    const change = changes[k];
    // A stroke began there before the call reached the worker.
    if (!change || !getDocData(d.id)) {
      skipped++;
      return;
    }
    applyMaskChange(change);
    const same = d.width === active.width && d.height === active.height;
    setDocStatus(d.id, 'idle', same ? t('mask.copied', { name: active.name }) : t('mask.scaled', { name: active.name, w: d.width, h: d.height }));
    if (same) copied++;
    else scaled++;
  });
  const parts = [copied ? t('mask.partCopied', { n: formatNumber(copied) }) : '', scaled ? t('mask.partScaled', { n: formatNumber(scaled) }) : '', skipped ? t('mask.partBusy', { n: formatNumber(skipped) }) : ''].filter(Boolean);
  setDocStatus(active.id, 'idle', t('mask.onOthers', { parts: parts.join(', ') || t('mask.noneOpen') }));
  if (skipped) pushToast('info', 'SKIPPED', tn('mask.skipped', skipped));
}
