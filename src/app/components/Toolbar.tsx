/** Tools, brush size, undo/redo and zoom controls above the viewport. */
import { redo, undo } from '../actions/mask-actions';
import { activeDocMeta, update, useUi, type ToolId } from '../store';
import { Icon, type IconName } from './icons';
import { actualSizeActive, fitActive, zoomActive } from '../viewport/view-actions';

const tools: { id: ToolId; label: string; key: string; icon: IconName; hint: string }[] = [
  { id: 'brush', label: 'Brush', key: 'B', icon: 'brush', hint: 'Paint the area to remove' },
  { id: 'eraser', label: 'Eraser', key: 'E', icon: 'eraser', hint: 'Erase from the mask' },
  { id: 'box', label: 'Box', key: 'R', icon: 'box', hint: 'Drag a rectangle; hold Alt to subtract' },
  { id: 'hand', label: 'Hand', key: 'H', icon: 'hand', hint: 'Pan (or hold Space, or middle-drag)' },
];

export const BRUSH_MIN = 2;
export const BRUSH_MAX = 400;

export function setBrushSize(size: number): void {
  update('ui', { brushSize: Math.round(Math.min(BRUSH_MAX, Math.max(BRUSH_MIN, size))) });
}

export function Toolbar() {
  const tool = useUi((s) => s.tool);
  const brushSize = useUi((s) => s.brushSize);
  const meta = useUi((s) => activeDocMeta(s));
  const zoom = useUi((s) => (s.activeId ? s.views[s.activeId]?.scale : undefined));
  const disabled = !meta;
  return (
    <div className="toolbar" role="toolbar" aria-label="Mask tools">
      <div className="tool-group">
        {tools.map((t) => (
          <button
            key={t.id}
            type="button"
            data-testid={`tool-${t.id}`}
            className={tool === t.id ? 'tool active' : 'tool'}
            aria-pressed={tool === t.id}
            aria-label={t.label}
            title={`${t.label} (${t.key}) — ${t.hint}`}
            onClick={() => update('ui', { tool: t.id })}
          >
            <Icon name={t.icon} />
            <span className="tool-label">{t.label}</span>
          </button>
        ))}
      </div>
      <label className="brush-size" title="Brush size in image pixels ([ and ])">
        <span>Size</span>
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
          title={meta?.undoLabel ? `Undo ${meta.undoLabel} (Ctrl+Z)` : 'Nothing to undo (Ctrl+Z)'}
          aria-label="Undo"
          onClick={undo}
        >
          <Icon name="undo" />
        </button>
        <button
          type="button"
          data-testid="redo-button"
          className="tool"
          disabled={disabled || !meta?.redoLabel}
          title={meta?.redoLabel ? `Redo ${meta.redoLabel} (Ctrl+Shift+Z)` : 'Nothing to redo (Ctrl+Shift+Z)'}
          aria-label="Redo"
          onClick={redo}
        >
          <Icon name="redo" />
        </button>
      </div>
      <div className="tool-group zoom-group">
        <button type="button" className="tool" disabled={disabled} title="Zoom out" aria-label="Zoom out" onClick={() => zoomActive(1 / 1.25)}>
          −
        </button>
        <span className="zoom-readout" aria-live="polite">{zoom ? `${Math.round(zoom * 100)}%` : '—'}</span>
        <button type="button" className="tool" disabled={disabled} title="Zoom in" aria-label="Zoom in" onClick={() => zoomActive(1.25)}>
          +
        </button>
        <button type="button" className="tool" disabled={disabled} title="Fit to window (F)" onClick={fitActive}>
          Fit
        </button>
        <button type="button" className="tool" disabled={disabled} title="Actual pixels (1)" onClick={actualSizeActive}>
          100%
        </button>
      </div>
    </div>
  );
}
