/** The user's saved marks (IndexedDB): use on this image, export as PNG + JSON, delete; import. */
import { useEffect, useRef } from 'react';
import { exportSavedMark, importMarkFiles, refreshSavedMarks, removeSavedMark, applySavedMark } from '../actions/saved-mark-actions';
import { useMarks } from '../marks-store';
import { t, useT } from '../i18n';

export function SavedMarks({ canUse }: { canUse: boolean }) {
  const saved = useMarks((s) => s.saved);
  const input = useRef<HTMLInputElement>(null);
  useT();
  useEffect(() => {
    void refreshSavedMarks(true);
  }, []);
  return (
    <div className="saved-marks">
      <h3>{t('marks.savedTitle')}</h3>
      {saved.length === 0 ? (
        <p className="hint">{t('marks.savedNone')}</p>
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
                <button type="button" className="button small" disabled={!canUse} aria-label={t('marks.useNamed', { name: m.name })} onClick={() => void applySavedMark(m.id)}>
                  {t('marks.use')}
                </button>
                <button type="button" className="button small" aria-label={t('marks.exportNamed', { name: m.name })} onClick={() => void exportSavedMark(m.id)}>
                  {t('marks.export')}
                </button>
                <button type="button" className="button small" aria-label={t('marks.deleteNamed', { name: m.name })} onClick={() => void removeSavedMark(m.id)}>
                  {t('marks.delete')}
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
        {t('marks.import')}
      </button>
    </div>
  );
}
