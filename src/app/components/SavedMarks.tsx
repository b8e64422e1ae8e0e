/** The user's saved marks (IndexedDB): use on this image, export as PNG + JSON, delete; import. */
import { useEffect, useRef } from 'react';
import { exportSavedMark, importMarkFiles, refreshSavedMarks, removeSavedMark, applySavedMark } from '../actions/saved-mark-actions';
import { useMarks } from '../marks-store';

export function SavedMarks({ canUse }: { canUse: boolean }) {
  const saved = useMarks((s) => s.saved);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    void refreshSavedMarks(true);
  }, []);
  return (
    <div className="saved-marks">
      <h3>Your saved marks</h3>
      {saved.length === 0 ? (
        <p className="hint">None yet. Save a learned mark, or import a mark PNG (RGB = colour, alpha = opacity).</p>
      ) : (
        <ul className="region-list" data-testid="saved-marks">
          {saved.map((m) => (
            <li key={m.id} className="saved-mark" data-testid="saved-mark" data-id={m.id}>
              <span className="saved-name" title={m.name}>
                {m.name}
              </span>
              <span className="box-dims">
                {m.sidecar.width}×{m.sidecar.height}, {Math.round(m.sidecar.opacity * 100)} %
              </span>
              <span className="button-row">
                <button type="button" className="button small" disabled={!canUse} aria-label={`Use saved mark ${m.name}`} onClick={() => void applySavedMark(m.id)}>
                  Use saved mark
                </button>
                <button type="button" className="button small" aria-label={`Export ${m.name}`} onClick={() => void exportSavedMark(m.id)}>
                  Export
                </button>
                <button type="button" className="button small" aria-label={`Delete ${m.name}`} onClick={() => void removeSavedMark(m.id)}>
                  Delete
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      <input
        ref={input}
        data-testid="mark-file-input"
        type="file"
        multiple
        accept="image/png,.png,application/json,.json"
        className="visually-hidden"
        tabIndex={-1}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          void importMarkFiles(files);
        }}
      />
      <button type="button" className="button small" onClick={() => input.current?.click()}>
        Import mark…
      </button>
    </div>
  );
}
