/**
 * "Use this mask for all images": the active image's mask becomes every other
 * open image's mask, as one undoable step on each (undo on an image brings its
 * own mask back). Same size: copied; another size: scaled nearest-neighbour to
 * that image's size (mask-scale.ts), the rule the button's tooltip states.
 */
import { replaceMask } from '../actions/mask-actions';
import { getDocData } from '../documents';
import { formatNumber } from '../format';
import { activeDocMeta, getUi, pushToast, setDocStatus } from '../store';
import { maskForSize } from './mask-scale';
import { t, tn } from '../i18n';

export function applyMaskToAll(): void {
  const active = activeDocMeta();
  const source = getDocData(active?.id ?? null);
  if (!active || !source || source.history.inGesture || active.maskCount === 0) return;
  let copied = 0;
  let scaled = 0;
  let skipped = 0;
  for (const d of getUi().docs) {
    if (d.id === active.id) continue;
    const doc = getDocData(d.id);
    // A stroke in progress there, or the worker on it: leave that image as it is.
    if (!doc || doc.history.inGesture || (getUi().busyDocId === d.id)) {
      skipped++;
      continue;
    }
    const same = d.width === active.width && d.height === active.height;
    replaceMask(doc, maskForSize(source.mask, d.width, d.height), t('history.maskFrom', { name: active.name }));
    setDocStatus(d.id, 'idle', same ? t('mask.copied', { name: active.name }) : t('mask.scaled', { name: active.name, w: d.width, h: d.height }));
    if (same) copied++;
    else scaled++;
  }
  const parts = [copied ? t('mask.partCopied', { n: formatNumber(copied) }) : '', scaled ? t('mask.partScaled', { n: formatNumber(scaled) }) : '', skipped ? t('mask.partBusy', { n: formatNumber(skipped) }) : ''].filter(Boolean);
  setDocStatus(active.id, 'idle', t('mask.onOthers', { parts: parts.join(', ') || t('mask.noneOpen') }));
  if (skipped) pushToast('info', 'SKIPPED', tn('mask.skipped', skipped));
}
