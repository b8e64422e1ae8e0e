/** Marks: find every instance like the selection, learn one mark from all open images, the estimate, saved marks. */
import { findAllLikeActive, forgetMarks, learnFromAllImages } from '../actions/mark-actions';
import { saveActiveMark } from '../actions/saved-mark-actions';
import { useMarks } from '../marks-store';
import { activeDocMeta, useUi } from '../store';
import { MarkPreview } from './MarkPreview';
import { SavedMarks } from './SavedMarks';
import { t, tn, useT } from '../i18n';

export function MarksPanel() {
  const meta = useUi((s) => activeDocMeta(s));
  const status = useUi((s) => s.status);
  const openCount = useUi((s) => s.docs.length);
  const marks = useMarks((s) => (meta ? s.byDoc[meta.id] : undefined));
  const hasBox = useMarks((s) => (meta ? s.lastBox[meta.id] !== undefined : false));
  const busy = status === 'detecting' || status === 'removing';
  const mark = marks?.at(-1);
  useT();
  return (
    <section className="panel" aria-labelledby="marks-title" data-testid="marks-panel">
      <h2 id="marks-title">{t('marks.title')}</h2>
      <p className="hint">
        {hasBox
          ? t('marks.hintBox')
          : t('marks.hintNoBox')}
      </p>
      <div className="button-row">
        <button type="button" className="button small grow" data-testid="find-like-button" disabled={!meta || busy} onClick={() => void findAllLikeActive()}>
          {t('marks.findLike')}
        </button>
        <button
          type="button"
          className="button small grow"
          data-testid="learn-mark-button"
          disabled={!meta || busy}
          title={tn('marks.learnTitle', openCount)}
          onClick={() => void learnFromAllImages()}
        >
          {t('marks.learn')}
        </button>
      </div>
      {mark && meta && (
        <>
          <MarkPreview mark={mark} />
          <p className="hint">{t('marks.invertHint')}</p>
          <div className="button-row">
            <button type="button" className="button small" data-testid="save-mark-button" disabled={busy} onClick={() => void saveActiveMark()}>
              {t('marks.save')}
            </button>
            <button type="button" className="button small" disabled={busy} onClick={() => forgetMarks(meta.id)}>
              {t('marks.forget')}
            </button>
          </div>
        </>
      )}
      <SavedMarks canUse={!!meta && !busy} />
    </section>
  );
}
