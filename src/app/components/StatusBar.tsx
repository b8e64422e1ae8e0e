/** One line of status; data-state is what the end-to-end tests wait on. */
import { useShallow } from 'zustand/react/shallow';
import { useUi, visibleStatus } from '../store';
import { batchName } from '../batch/batch-actions';
import { t, tn, useT } from '../i18n';

const OFFLINE_TEXT = {
  pending: 'status.offlinePending',
  ready: 'status.offlineReady',
  unavailable: 'status.offlineUnavailable',
} as const;

export function StatusBar() {
  // The active image's own line (store.ts visibleStatus), never another image's.
  const { status, text } = useUi(useShallow(visibleStatus));
  const offline = useUi((s) => s.offline);
  const resumed = useUi((s) => s.resumedBatch);
  useT();
  return (
    <footer className="status-bar">
      <span className={`status-dot status-${status}`} aria-hidden="true" />
      <span data-testid="status" data-state={status} role="status">
        {text || t('status.ready')}
      </span>
      {resumed && (
        <span className="queue-resumed" data-testid="queue-resumed" data-kind={resumed.kind}>
          {tn('status.queueResumed', resumed.total, { run: batchName(resumed.kind) })}
        </span>
      )}
      {offline !== 'none' && (
        <span className="offline-state" data-testid="offline-state" data-state={offline}>
          {t(OFFLINE_TEXT[offline])}
        </span>
      )}
    </footer>
  );
}
