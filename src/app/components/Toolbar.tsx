/** Tools, brush size, undo/redo and zoom controls above the viewport. */
import { redo, undo } from '../actions/mask-actions';
import { activeDocMeta, update, useUi, type ToolId } from '../store';
import { Icon, type IconName } from './icons';
import { actualSizeActive, fitActive, zoomActive } from '../viewport/view-actions';
import { t, useT, type PlainKey } from '../i18n';

const tools: { id: ToolId; label: PlainKey; key: string; icon: IconName; hint: PlainKey }[] = [
  { id: 'brush', label: 'toolbar.brush', key: 'B', icon: 'brush', hint: 'toolbar.brushHint' },
  { id: 'eraser', label: 'toolbar.eraser', key: 'E', icon: 'eraser', hint: 'toolbar.eraserHint' },
  { id: 'box', label: 'toolbar.box', key: 'R', icon: 'box', hint: 'toolbar.boxHint' },
  { id: 'hand', label: 'toolbar.hand', key: 'H', icon: 'hand', hint: 'toolbar.handHint' },
];

export const BRUSH_MIN = 2;
export const BRUSH_MAX = 400;

export function setBrushSize(size: number): void {
  update('ui', { brushSize: Math.round(Math.min(BRUSH_MAX, Math.max(BRUSH_MIN, size))) });
}

export function Toolbar() {
  const active = useUi((s) => s.tool);
  const brushSize = useUi((s) => s.brushSize);
  const meta = useUi((s) => activeDocMeta(s));
  const zoom = useUi((s) => (s.activeId ? s.views[s.activeId]?.scale : undefined));
  const disabled = !meta;
  useT();
  return (
    <div className="toolbar" role="toolbar" aria-label={t('toolbar.label')}>
      <div className="tool-group">
        {tools.map((tool) => (
          <button
            key={tool.id}
            type="button"
            data-testid={`tool-${tool.id}`}
            className={active === tool.id ? 'tool active' : 'tool'}
            aria-pressed={active === tool.id}
            aria-label={t(tool.label)}
            title={`${t(tool.label)} (${tool.key}) — ${t(tool.hint)}`}
            onClick={() => update('ui', { tool: tool.id })}
          >
            <Icon name={tool.icon} />
            <span className="tool-label">{t(tool.label)}</span>
          </button>
        ))}
      </div>
      <label className="brush-size" title={t('toolbar.sizeTitle')}>
        <span>{t('toolbar.size')}</span>
        <input
          data-testid="brush-size"
          type="range"
          min={BRUSH_MIN}
          max={BRUSH_MAX}
          step={1}
          value={brushSize}
          onChange={(e) => setBrushSize(Number(e.target.value))}
        />
        <output>{brushSize}px</output>
      </label>
      <div className="tool-group">
        <button
          type="button"
          data-testid="undo-button"
          className="tool"
          disabled={disabled || !meta?.undoLabel}
          title={meta?.undoLabel ? t('toolbar.undoTitle', { label: meta.undoLabel }) : t('toolbar.nothingUndo')}
          aria-label={t('toolbar.undo')}
          onClick={undo}
        >
          <Icon name="undo" />
        </button>
        <button
          type="button"
          data-testid="redo-button"
          className="tool"
          disabled={disabled || !meta?.redoLabel}
          title={meta?.redoLabel ? t('toolbar.redoTitle', { label: meta.redoLabel }) : t('toolbar.nothingRedo')}
          aria-label={t('toolbar.redo')}
          onClick={redo}
        >
          <Icon name="redo" />
        </button>
      </div>
      <div className="tool-group zoom-group">
        <button type="button" className="tool" disabled={disabled} title={t('toolbar.zoomOut')} aria-label={t('toolbar.zoomOut')} onClick={() => zoomActive(1 / 1.25)}>
          −
        </button>
        <span className="zoom-readout" aria-live="polite">{zoom ? `${Math.round(zoom * 100)}%` : '—'}</span>
        <button type="button" className="tool" disabled={disabled} title={t('toolbar.zoomIn')} aria-label={t('toolbar.zoomIn')} onClick={() => zoomActive(1.25)}>
          +
        </button>
        <button type="button" className="tool" disabled={disabled} title={t('toolbar.fitTitle')} onClick={fitActive}>
          {t('toolbar.fit')}
        </button>
        <button type="button" className="tool" disabled={disabled} title={t('toolbar.actualTitle')} onClick={actualSizeActive}>
          100%
        </button>
      </div>
    </div>
  );
}
