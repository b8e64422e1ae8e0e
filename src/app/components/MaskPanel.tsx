/** Whole-mask operations (worker) and overlay display settings. */
import { formatNumber } from '../format';
import { runMaskOp } from '../actions/mask-actions';
import { MASK_TO_ALL_RULE, applyMaskToAll } from '../batch/mask-to-all';
import { activeDocMeta, update, useUi } from '../store';

export function MaskPanel() {
  const meta = useUi((s) => activeDocMeta(s));
  const px = useUi((s) => s.maskOpPx);
  const opacity = useUi((s) => s.overlayOpacity);
  const color = useUi((s) => s.overlayColor);
  const busy = useUi((s) => s.status === 'removing');
  const docCount = useUi((s) => s.docs.length);
  const noDoc = !meta || busy;
  const empty = !meta || meta.maskCount === 0;
  const pct = meta ? (meta.maskCount / (meta.width * meta.height)) * 100 : 0;
  return (
    <section className="panel" aria-labelledby="mask-title">
      <h2 id="mask-title">2 · Refine the mask</h2>
      <p className="hint">
        {meta
          ? empty
            ? 'The mask is empty. Detect, or paint with the brush (B) or box (R).'
            : `${formatNumber(meta.maskCount)} px masked (${formatNumber(pct, pct < 0.1 ? 2 : 1)}% of the image)`
          : 'Open an image first.'}
      </p>
      <div className="button-row">
        <button type="button" className="button small" data-testid="mask-dilate" disabled={noDoc} title={`Grow the mask by ${px} px`} onClick={() => void runMaskOp({ op: 'dilate', px })}>
          Dilate
        </button>
        <button type="button" className="button small" data-testid="mask-erode" disabled={noDoc} title={`Shrink the mask by ${px} px`} onClick={() => void runMaskOp({ op: 'erode', px })}>
          Erode
        </button>
        <button type="button" className="button small" data-testid="mask-feather" disabled={noDoc} title={`Soften the mask edge over ${px} px`} onClick={() => void runMaskOp({ op: 'feather', px })}>
          Feather
        </button>
        <label className="px-input" title="Pixels for dilate, erode and feather">
          <span>by</span>
          <input
            data-testid="mask-px"
            type="number"
            min={1}
            max={64}
            value={px}
            onChange={(e) => update('ui', { maskOpPx: Math.max(1, Math.min(64, Math.round(Number(e.target.value) || 1))) })}
          />
          <span>px</span>
        </label>
      </div>
      <div className="button-row">
        <button type="button" className="button small" data-testid="mask-clear" disabled={noDoc} title="Empty the mask" onClick={() => void runMaskOp({ op: 'clear' })}>
          Clear
        </button>
        <button type="button" className="button small" data-testid="mask-invert" disabled={noDoc} title="Swap masked and unmasked" onClick={() => void runMaskOp({ op: 'invert' })}>
          Invert
        </button>
        {docCount > 1 && (
          <button type="button" className="button small" data-testid="mask-to-all" disabled={noDoc || empty} title={MASK_TO_ALL_RULE} onClick={applyMaskToAll}>
            Use this mask for all images
          </button>
        )}
      </div>
      <div className="overlay-settings">
        <label className="field inline">
          <span>Overlay</span>
          <input
            data-testid="overlay-opacity"
            type="range"
            min={0}
            max={1}
            step={0.01}
            value={opacity}
            onChange={(e) => update('ui', { overlayOpacity: Number(e.target.value) })}
          />
          <input
            type="color"
            value={color}
            aria-label="Overlay colour"
            title="Overlay colour"
            onChange={(e) => update('ui', { overlayColor: e.target.value })}
          />
        </label>
      </div>
    </section>
  );
}
