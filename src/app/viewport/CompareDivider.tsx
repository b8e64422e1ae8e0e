/** Before/after divider over the viewport: drag the handle, or use the range input along the bottom. */
import { useRef } from 'react';
import { activeDocMeta, update, useUi } from '../store';
import { getViewportBox } from './view-actions';
import { t, useT } from '../i18n';

export function CompareDivider() {
  const hasResult = useUi((s) => !!activeDocMeta(s)?.result);
  const enabled = useUi((s) => s.compareEnabled);
  const hold = useUi((s) => s.holdOriginal);
  const split = useUi((s) => s.compareSplit);
  const dragging = useRef(false);
  useT();
  if (!hasResult || !enabled || hold) return null;

  const setSplit = (v: number) => update('view', { compareSplit: Math.min(1, Math.max(0, v)) });
  const fromPointer = (e: React.PointerEvent<HTMLDivElement>) => {
    const parent = e.currentTarget.parentElement;
    if (!parent) return;
    const r = parent.getBoundingClientRect();
    setSplit((e.clientX - r.left) / Math.max(1, getViewportBox().width || r.width));
  };

  return (
    <>
      <div className="compare-line" style={{ left: `${split * 100}%` }} aria-hidden="true" />
      <div
        className="compare-handle"
        style={{ left: `${split * 100}%` }}
        title={t('view.dividerTitle')}
        onPointerDown={(e) => {
          try {
            e.currentTarget.setPointerCapture(e.pointerId);
          } catch {
            // No active pointer (synthetic event): dragging still works while over the handle.
          }
          dragging.current = true;
        }}
        onPointerMove={(e) => {
          if (dragging.current) setSplit((e.clientX - (e.currentTarget.parentElement?.getBoundingClientRect().left ?? 0)) / Math.max(1, getViewportBox().width));
        }}
        onPointerUp={(e) => {
          dragging.current = false;
          fromPointer(e);
        }}
        onPointerCancel={() => (dragging.current = false)}
      >
        <span>‹ ›</span>
      </div>
      <span className="compare-label compare-label-left">{t('view.before')}</span>
      <span className="compare-label compare-label-right">{t('view.after')}</span>
      <input
        className="compare-slider"
        data-testid="compare-slider"
        type="range"
        min={0}
        max={1}
        step={0.001}
        value={split}
        aria-label={t('view.divider')}
        onChange={(e) => setSplit(Number(e.target.value))}
      />
    </>
  );
}
