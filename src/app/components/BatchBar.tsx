/** Above the strip: run detect / remove over every open image, download them all, forget the session. */
import { cancelBatch, detectAll, removeAll } from '../batch/batch-actions';
import { downloadAll, ZIP_NAME } from '../batch/download-all';
import { summarise } from '../batch/queue';
import { displayJob } from '../batch/job';
import { clearSession } from '../session/session-actions';
import { useUi, type SessionSave } from '../store';
import { useShallow } from 'zustand/react/shallow';

const SAVE_TEXT: Record<SessionSave, string> = {
  off: 'Not kept after a reload: this browser gives no storage',
  pending: 'Saving the session…',
  saved: 'Session kept in this browser',
  full: 'Storage full: changes are no longer kept',
  error: 'The session could not be saved',
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
  return (
    <div className="batch-bar" data-testid="batch-bar" data-running={batchKind ?? ''}>
      <button type="button" className="button small" data-testid="batch-bar-detect" disabled={running || busy} onClick={() => void detectAll()}
        title="Detect every image that has no mask yet, one after the other. Masks you painted or reviewed are kept.">
        Detect all
      </button>
      <button type="button" className="button small" data-testid="batch-bar-remove" disabled={running || busy} onClick={() => void removeAll()}
        title="Remove the marks from every image that has a mask, with the method chosen under Remove">
        Remove all
      </button>
      <button type="button" className="button small" data-testid="batch-bar-download" disabled={summary.withResult === 0 || zipping || running}
        onClick={() => void downloadAll()}
        title={`One ZIP (${ZIP_NAME}) of the cleaned images as <name>-clean.png at full size; only images with a result are included`}>
        Download all
      </button>
      {running && (
        <button type="button" className="button small danger" data-testid="batch-bar-cancel" onClick={cancelBatch}>
          Cancel all
        </button>
      )}
      <p className="hint batch-hint" data-testid="batch-summary">
        {summary.withResult === summary.total
          ? `${summary.withResult} of ${summary.total} cleaned`
          : `${summary.withResult} of ${summary.total} cleaned; Download all takes only those`}
        {summary.failed > 0 ? ` · ${summary.failed} failed` : ''}
      </p>
      <p className="hint batch-hint" data-testid="session-state" data-state={save}>
        {SAVE_TEXT[save]}
      </p>
      <button type="button" className="button small subtle" data-testid="clear-session" disabled={running || busy} onClick={() => void clearSession()}
        title="Close every image and delete the saved session from this browser">
        Clear session
      </button>
    </div>
  );
}
