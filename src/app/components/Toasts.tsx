/** Error and info toasts. Errors stay until closed; they show the engine's error code. */
import { dismissToast, useUi } from '../store';

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  return (
    <div className="toasts" aria-live="assertive">
      {toasts.map((t) => (
        <div
          key={t.id}
          className={`toast toast-${t.kind}`}
          role={t.kind === 'error' ? 'alert' : 'status'}
          data-testid={t.kind === 'error' ? 'error-toast' : 'info-toast'}
          data-code={t.code}
        >
          <div className="toast-body">
            {t.kind === 'error' && <code className="toast-code">{t.code}</code>}
            <span>{t.message}</span>
          </div>
          <button type="button" className="toast-close" aria-label="Close" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
