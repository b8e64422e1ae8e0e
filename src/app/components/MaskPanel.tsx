/** Whole-mask operations (worker) and overlay display settings. */
import { formatNumber } from '../format';
import { runMaskOp } from '../actions/mask-actions';
import { applyMaskToAll } from '../batch/mask-to-all';
import { activeDocMeta, update, useUi } from '../store';
import { t, useT } from '../i18n';

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
  useT();
  return (
    <section className="panel" aria-labelledby="mask-title">
      <h2 id="mask-title">{t('mask.title')}</h2>
      <p className="hint">
        {meta
          ? empty
            ? t('mask.empty')
            : t('mask.masked', { count: formatNumber(meta.maskCount), pct: formatNumber(pct, pct < 0.1 ? 2 : 1) })
          : t('mask.openFirst')}
      </p>
      <div className="button-row">
        <button type="button" className="button small" data-testid="mask-dilate" disabled={noDoc} title={t('mask.dilateTitle', { px })} onClick={() => void runMaskOp({ op: 'dilate', px })}>
          {t('mask.dilate')}
        </button>
        <button type="button" className="button small" data-testid="mask-erode" disabled={noDoc} title={t('mask.erodeTitle', { px })} onClick={() => void runMaskOp({ op: 'erode', px })}>
          {t('mask.erode')}
        </button>
        <button type="button" className="button small" data-testid="mask-feather" disabled={noDoc} title={t('mask.featherTitle', { px })} onClick={() => void runMaskOp({ op: 'feather', px })}>
          {t('mask.feather')}
        </button>
        <label className="px-input" title={t('mask.pxTitle')}>
          <span>{t('mask.by')}</span>
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
        <button type="button" className="button small" data-testid="mask-clear" disabled={noDoc} title={t('mask.clearTitle')} onClick={() => void runMaskOp({ op: 'clear' })}>
          {t('mask.clear')}
        </button>
        <button type="button" className="button small" data-testid="mask-invert" disabled={noDoc} title={t('mask.invertTitle')} onClick={() => void runMaskOp({ op: 'invert' })}>
          {t('mask.invert')}
        </button>
        {docCount > 1 && (
          <button type="button" className="button small" data-testid="mask-to-all" disabled={noDoc || empty} title={t('mask.toAllRule')} onClick={() => void applyMaskToAll()}>
            {t('mask.toAll')}
          </button>
        )}
      </div>
      <div className="overlay-settings">
        <label className="field inline">
          <span>{t('mask.overlay')}</span>
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
            aria-label={t('mask.overlayColour')}
            title={t('mask.overlayColour')}
            onChange={(e) => update('ui', { overlayColor: e.target.value })}
          />
        </label>
      </div>
    </section>
  );
}
