/** The `?` popover listing keyboard shortcuts. */
import { useEffect, useRef } from 'react';
import { update, useUi } from '../store';
import { t, useT, type PlainKey } from '../i18n';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const mod = isMac ? '⌘' : 'Ctrl';

/** Keys and what they do; a key that is a word is a catalogue key too. */
const shortcuts: [string | PlainKey, PlainKey][] = [
  ['B', 'shortcuts.brush'],
  ['E', 'shortcuts.eraser'],
  ['R', 'shortcuts.box'],
  ['H', 'shortcuts.hand'],
  ['[ / ]', 'shortcuts.size'],
  ['shortcuts.spaceKey', 'shortcuts.space'],
  ['shortcuts.wheelKey', 'shortcuts.wheel'],
  ['F', 'shortcuts.fit'],
  ['1', 'shortcuts.actual'],
  ['shortcuts.holdKey', 'shortcuts.hold'],
  [`${mod}+Z`, 'shortcuts.undo'],
  [`${mod}+Shift+Z / Ctrl+Y`, 'shortcuts.redo'],
  [`${mod}+V`, 'shortcuts.paste'],
  ['?', 'shortcuts.help'],
  ['Esc', 'shortcuts.esc'],
];

const keyWords = (k: string): string => (k.startsWith('shortcuts.') ? t(k as PlainKey) : k);

export function ShortcutsHelp() {
  const open = useUi((s) => s.showHelp);
  const ref = useRef<HTMLDivElement>(null);
  useT();
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
          <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
          <button type="button" className="toast-close" aria-label={t('shortcuts.close')} onClick={close}>
            ×
          </button>
        </div>
        <dl className="shortcuts">
          {shortcuts.map(([k, v]) => (
            <div key={k}>
              <dt>
                <kbd>{keyWords(k)}</kbd>
              </dt>
              <dd>{t(v)}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
