/** Error and info toasts. Errors stay until closed; they show the engine's error code. */
import { dismissToast, useUi } from '../store';
import { t, useT } from '../i18n';

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  useT();
  return (
    <div className="toasts" aria-live="assertive">
      {toasts.map((toast) => (
        <div
          key={toast.id}
          className={`toast toast-${toast.kind}`}
          role={toast.kind === 'error' ? 'alert' : 'status'}
          data-testid={toast.kind === 'error' ? 'error-toast' : 'info-toast'}
          data-code={toast.code}
        >
          <div className="toast-body">
            {toast.kind === 'error' && <code className="toast-code">{toast.code}</code>}
            <span>{toast.message}</span>
          </div>
          <button type="button" className="toast-close" aria-label={t('shortcuts.close')} onClick={() => dismissToast(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
