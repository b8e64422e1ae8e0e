/** The `?` popover listing keyboard shortcuts. */
import { useEffect, useRef } from 'react';
import { update, useUi } from '../store';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const mod = isMac ? '⌘' : 'Ctrl';

const shortcuts: [string, string][] = [
  ['B', 'Brush'],
  ['E', 'Eraser'],
  ['R', 'Box (hold Alt while dragging to subtract)'],
  ['H', 'Hand (pan)'],
  ['[ / ]', 'Smaller / larger brush'],
  ['Space + drag', 'Pan with any tool (also middle-drag)'],
  ['Wheel / pinch', 'Zoom around the pointer'],
  ['F', 'Fit to window'],
  ['1', 'Actual pixels (100%)'],
  ['O (hold)', 'Show the original'],
  [`${mod}+Z`, 'Undo'],
  [`${mod}+Shift+Z / Ctrl+Y`, 'Redo'],
  [`${mod}+V`, 'Paste an image'],
  ['?', 'This help'],
  ['Esc', 'Cancel the stroke or box being drawn; close this help'],
];

export function ShortcutsHelp() {
  const open = useUi((s) => s.showHelp);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) ref.current?.focus();
  }, [open]);
  if (!open) return null;
  const close = () => update('ui', { showHelp: false });
  return (
    <div className="popover-backdrop" onClick={close}>
      <div
        className="popover"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        tabIndex={-1}
        ref={ref}
        onClick={(e) => e.stopPropagation()}
      >
        <div className="popover-head">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button type="button" className="toast-close" aria-label="Close" onClick={close}>
            ×
          </button>
        </div>
        <dl className="shortcuts">
          {shortcuts.map(([k, v]) => (
            <div key={k}>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
