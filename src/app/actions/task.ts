/** The one long-running engine call at a time (detect or remove) and its AbortController. */
import { getUi, setDocStatus, setStatus, update, type AppStatus } from '../store';
import { t } from '../i18n';

export interface Task {
  readonly kind: AppStatus;
  readonly docId: string;
  readonly signal: AbortSignal;
  readonly controller: AbortController;
}

let current: Task | null = null;

export function beginTask(kind: 'detecting' | 'removing', docId: string, text: string): Task | null {
  if (current) return null;
  const controller = new AbortController();
  current = { kind, docId, controller, signal: controller.signal };
  update('ui', { busyDocId: docId });
  setStatus(kind, text);
  setDocStatus(docId, kind, text);
  return current;
}

export function endTask(task: Task): void {
  if (current === task) current = null;
  update('ui', { busyDocId: null });
  const s = getUi();
  if (s.status === 'detecting' || s.status === 'removing') setStatus('idle', t('status.ready'));
  // The image's own line still says it is busy when the task ended without saying how.
  const line = s.docs.find((d) => d.id === task.docId)?.statusLine;
  if (line && (line.status === 'detecting' || line.status === 'removing')) setDocStatus(task.docId, 'idle', t('status.ready'));
}

export function cancelTask(): void {
  current?.controller.abort();
}

/** Closing a document stops the work on it. */
export function cancelTaskFor(docId: string): void {
  if (current?.docId === docId) current.controller.abort();
}

export function isBusy(): boolean {
  return current !== null;
}
