/** Under the viewport: hold to see the original, compare on/off, overlay on/off. */
import { activeDocMeta, update, updateDoc, useUi } from '../store';
import { Icon } from './icons';
import { t, useT } from '../i18n';

export function CompareBar() {
  const meta = useUi((s) => activeDocMeta(s));
  const compare = useUi((s) => s.compareEnabled);
  const hold = useUi((s) => s.holdOriginal);
  useT();
  if (!meta) return null;
  const setHold = (v: boolean) => update('view', { holdOriginal: v });
  return (
    <div className="compare-bar">
      <button
        type="button"
        className={hold ? 'button small active' : 'button small'}
        data-testid="hold-original"
        disabled={!meta.result}
        title={t('view.holdTitle')}
        onPointerDown={(e) => {
          try {
            e.currentTarget.setPointerCapture(e.pointerId);
          } catch {
            // Synthetic event: pointerup on the button still releases.
          }
          setHold(true);
        }}
        onPointerUp={() => setHold(false)}
        onPointerCancel={() => setHold(false)}
        onLostPointerCapture={() => setHold(false)}
        onKeyDown={(e) => {
          if (e.key === ' ' || e.key === 'Enter') setHold(true);
        }}
        onKeyUp={() => setHold(false)}
        onBlur={() => setHold(false)}
      >
        <Icon name="eye" size={16} /> {t('view.hold')}
      </button>
      <label className="check">
        <input
          type="checkbox"
          checked={compare}
          disabled={!meta.result}
          onChange={(e) => update('view', { compareEnabled: e.target.checked })}
        />
        {t('view.slider')}
      </label>
      <label className="check">
        <input type="checkbox" checked={meta.showOverlay} onChange={(e) => updateDoc('ui', meta.id, { showOverlay: e.target.checked })} />
        {t('view.overlay')}
      </label>
      <span className="doc-info">
        {meta.width}×{meta.height} · {meta.format.toUpperCase()}
        {meta.hasAlpha ? t('view.alpha') : ''}
      </span>
    </div>
  );
}
