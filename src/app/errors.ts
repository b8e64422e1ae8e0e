/** Turns any rejection from the engine client into an error toast with its code. */
import { pushToast, setDocStatus, setStatus } from './store';
import { errorText, t } from './i18n';

interface CodedError {
  code: string;
  message: string;
}

function isCoded(e: unknown): e is CodedError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    typeof (e as { message?: unknown }).message === 'string'
  );
}

export function errorCode(e: unknown): string {
  if (isCoded(e)) return e.code;
  if (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError') return 'E_CANCELLED';
  return 'E_PROCESSING';
}

/** The error's text in the UI's language (i18n errorText): a known code's words, else the engine's English. */
export function errorMessage(e: unknown): string {
  if (isCoded(e)) return errorText(e.code, e.message);
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * `context` is already in the UI's language (a `context.*` text).
 * Shows the error and moves the status to 'error' (or 'idle' for a cancel):
 * the image's own status line when the work was on one (`docId`), else the app's.
 */
export function reportError(e: unknown, context: string, docId?: string): void {
  const code = errorCode(e);
  const message = errorMessage(e);
  const status = (s: 'idle' | 'error', text: string) => (docId ? setDocStatus(docId, s, text) : setStatus(s, text));
  if (code === 'E_CANCELLED') {
    // Stopping a job is the user's choice, not a failure: say so quietly.
    pushToast('info', code, t('status.cancelledToast', { context }));
    status('idle', t('status.cancelled', { context }));
    return;
  }
  pushToast('error', code, t('status.errorToast', { context, message }));
  status('error', t('status.failed', { context, code }));
}
