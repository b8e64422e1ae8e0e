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

export const MASK_TO_ALL_RULE =
  'Copies this mask to every other open image, as one undoable step each. Images of the same size get an exact copy; others get it scaled to their size, nearest-neighbour (each pixel takes the mask pixel at the same relative place).';

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
    replaceMask(doc, maskForSize(source.mask, d.width, d.height), `Mask from ${active.name}`);
    setDocStatus(d.id, 'idle', same ? `Mask copied from ${active.name}` : `Mask from ${active.name}, scaled to ${d.width}×${d.height}`);
    if (same) copied++;
    else scaled++;
  }
  const parts = [copied ? `${formatNumber(copied)} copied` : '', scaled ? `${formatNumber(scaled)} scaled to their size` : '', skipped ? `${formatNumber(skipped)} busy, left as they were` : ''].filter(Boolean);
  setDocStatus(active.id, 'idle', `This mask is now on the other images: ${parts.join(', ') || 'none open'}`);
  if (skipped) pushToast('info', 'SKIPPED', `${skipped} image${skipped === 1 ? ' was' : 's were'} busy and kept ${skipped === 1 ? 'its' : 'their'} mask.`);
}
