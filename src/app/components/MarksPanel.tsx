/** Marks: find every instance like the selection, learn one mark from all open images, the estimate, saved marks. */
import { findAllLikeActive, forgetMarks, learnFromAllImages } from '../actions/mark-actions';
import { saveActiveMark } from '../actions/saved-mark-actions';
import { useMarks } from '../marks-store';
import { activeDocMeta, useUi } from '../store';
import { MarkPreview } from './MarkPreview';
import { SavedMarks } from './SavedMarks';

export function MarksPanel() {
  const meta = useUi((s) => activeDocMeta(s));
  const status = useUi((s) => s.status);
  const openCount = useUi((s) => s.docs.length);
  const marks = useMarks((s) => (meta ? s.byDoc[meta.id] : undefined));
  const hasBox = useMarks((s) => (meta ? s.lastBox[meta.id] !== undefined : false));
  const busy = status === 'detecting' || status === 'removing';
  const mark = marks?.at(-1);
  return (
    <section className="panel" aria-labelledby="marks-title" data-testid="marks-panel">
      <h2 id="marks-title">Marks</h2>
      <p className="hint">
        {hasBox
          ? 'Uses the last box you drew (R). A tiled mark is found over the whole image.'
          : 'Draw a box (R) around one mark, or use the mask; a tiled mark is found over the whole image.'}
      </p>
      <div className="button-row">
        <button type="button" className="button small grow" data-testid="find-like-button" disabled={!meta || busy} onClick={() => void findAllLikeActive()}>
          Find all like this
        </button>
        <button
          type="button"
          className="button small grow"
          data-testid="learn-mark-button"
          disabled={!meta || busy}
          title={`One mark shared by the ${openCount} open image${openCount === 1 ? '' : 's'} (at least two of the same size)`}
          onClick={() => void learnFromAllImages()}
        >
          Learn this mark from all images
        </button>
      </div>
      {mark && meta && (
        <>
          <MarkPreview mark={mark} />
          <p className="hint">Remove inverts this mark where it is semi-transparent, and fills the rest.</p>
          <div className="button-row">
            <button type="button" className="button small" data-testid="save-mark-button" disabled={busy} onClick={() => void saveActiveMark()}>
              Save this mark
            </button>
            <button type="button" className="button small" disabled={busy} onClick={() => forgetMarks(meta.id)}>
              Forget marks
            </button>
          </div>
        </>
      )}
      <SavedMarks canUse={!!meta && !busy} />
    </section>
  );
}
