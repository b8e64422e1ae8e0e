/** Above the strip: run detect / remove over every open image, download them all, forget the session. */
import { cancelBatch, detectAll, removeAll } from '../batch/batch-actions';
import { downloadAll, ZIP_NAME } from '../batch/download-all';
import { summarise } from '../batch/queue';
import { displayJob } from '../batch/job';
import { clearSession } from '../session/session-actions';
import { useUi, type SessionSave } from '../store';
import { useShallow } from 'zustand/react/shallow';
import { t, useT, type PlainKey } from '../i18n';

const SAVE_TEXT: Record<SessionSave, PlainKey> = {
  off: 'batch.saveOff',
  pending: 'batch.savePending',
  saved: 'batch.saveSaved',
  full: 'batch.saveFull',
  error: 'batch.saveError',
};

export function BatchBar() {
  const save = useUi((s) => s.sessionSave);
  const batchKind = useUi((s) => s.batchKind);
  const zipping = useUi((s) => s.zipping);
  const busy = useUi((s) => s.status === 'detecting' || s.status === 'removing');
  const summary = useUi(
    useShallow((s) => summarise(s.docs.map((d) => ({ job: displayJob(d, s), hasResult: !!d.result })))),
  );
  const running = batchKind !== null;
  useT();
  return (
    <div className="batch-bar" data-testid="batch-bar" data-running={batchKind ?? ''}>
      <button type="button" className="button small" data-testid="batch-bar-detect" disabled={running || busy} onClick={() => void detectAll()}
        title={t('batch.detectAllTitle')}>
        {t('batch.detectAll')}
      </button>
      <button type="button" className="button small" data-testid="batch-bar-remove" disabled={running || busy} onClick={() => void removeAll()}
        title={t('batch.removeAllTitle')}>
        {t('batch.removeAll')}
      </button>
      <button type="button" className="button small" data-testid="batch-bar-download" disabled={summary.withResult === 0 || zipping || running}
        onClick={() => void downloadAll()}
        title={t('batch.downloadAllTitle', { zip: ZIP_NAME })}>
        {t('batch.downloadAll')}
      </button>
      {running && (
        <button type="button" className="button small danger" data-testid="batch-bar-cancel" onClick={cancelBatch}>
          {t('batch.cancelAll')}
        </button>
      )}
      <p className="hint batch-hint" data-testid="batch-summary">
        {summary.withResult === summary.total
          ? t('batch.cleaned', { done: summary.withResult, total: summary.total })
          : t('batch.cleanedSome', { done: summary.withResult, total: summary.total })}
        {summary.failed > 0 ? t('batch.failed', { n: summary.failed }) : ''}
      </p>
      <p className="hint batch-hint" data-testid="session-state" data-state={save}>
        {t(SAVE_TEXT[save])}
      </p>
      <button type="button" className="button small subtle" data-testid="clear-session" disabled={running || busy} onClick={() => void clearSession()}
        title={t('batch.clearTitle')}>
        {t('batch.clear')}
      </button>
    </div>
  );
}
