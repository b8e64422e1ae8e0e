/** Keyboard shortcuts. Tool keys and view keys are ignored while typing in a text or number field. */
import { useEffect } from 'react';
import { redo, undo } from '../actions/mask-actions';
import { getUi, update } from '../store';
import { setBrushSize } from '../components/Toolbar';
import { cancelGesture } from '../viewport/render-loop';
import { actualSizeActive, fitActive, zoomActive } from '../viewport/view-actions';

const nonTextInputs = new Set(['range', 'checkbox', 'radio', 'button', 'color', 'file', 'submit']);

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true;
  return target.tagName === 'INPUT' && !nonTextInputs.has((target as HTMLInputElement).type);
}

export function useShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 'z') {
        e.preventDefault();
        if (e.shiftKey) redo();
        else undo();
        return;
      }
      if (mod && key === 'y') {
        e.preventDefault();
        redo();
        return;
      }
      if (mod || e.altKey) return;
      if (e.key === ' ') {
        // Space pans, as in most image editors, even with a button focused (Enter still presses it).
        e.preventDefault();
        if (!getUi().spacePan) update('ui', { spacePan: true });
        return;
      }
      switch (e.key) {
        case 'b':
        case 'B':
          update('ui', { tool: 'brush' });
          break;
        case 'e':
        case 'E':
          update('ui', { tool: 'eraser' });
          break;
        case 'r':
        case 'R':
          update('ui', { tool: 'box' });
          break;
        case 'h':
        case 'H':
          update('ui', { tool: 'hand' });
          break;
        case '[':
          setBrushSize(getUi().brushSize - Math.max(1, Math.round(getUi().brushSize * 0.15)));
          break;
        case ']':
          setBrushSize(getUi().brushSize + Math.max(1, Math.round(getUi().brushSize * 0.15)));
          break;
        case 'f':
        case 'F':
          fitActive();
          break;
        case '1':
          actualSizeActive();
          break;
        case '+':
        case '=':
          zoomActive(1.25);
          break;
        case '-':
          zoomActive(1 / 1.25);
          break;
        case 'o':
        case 'O':
          if (!e.repeat) update('view', { holdOriginal: true });
          break;
        case '?':
          update('ui', (s) => ({ showHelp: !s.showHelp }));
          break;
        case 'Escape':
          // First Escape drops a stroke or box in progress; otherwise it closes the help.
          if (!cancelGesture()) update('ui', { showHelp: false });
          break;
        default:
          return;
      }
    };
    const onKeyUp = (e: KeyboardEvent) => {
      if (e.key === ' ' && getUi().spacePan) {
        // Otherwise a focused button would be pressed by the keyup.
        e.preventDefault();
        update('ui', { spacePan: false });
      }
      if (e.key === 'o' || e.key === 'O') update('view', { holdOriginal: false });
    };
    // Keys held while the window loses focus never see their keyup.
    const onBlur = () => update('ui', { spacePan: false, holdOriginal: false });
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', onBlur);
    };
  }, []);
}
