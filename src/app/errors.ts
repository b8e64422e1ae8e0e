/** Turns any rejection from the engine client into an error toast with its code. */
import { pushToast, setStatus } from './store';

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

export function errorMessage(e: unknown): string {
  if (isCoded(e)) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Shows the error and moves the status to 'error' (or 'idle' for a cancel). */
export function reportError(e: unknown, context: string): void {
  const code = errorCode(e);
  const message = errorMessage(e);
  pushToast('error', code, `${context}: ${message}`);
  if (code === 'E_CANCELLED') setStatus('idle', `${context} cancelled`);
  else setStatus('error', `${context} failed (${code})`);
}
