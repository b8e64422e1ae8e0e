/** The one long-running engine call at a time (detect or remove) and its AbortController. */
import { getUi, setStatus, type AppStatus } from '../store';

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
  setStatus(kind, text);
  return current;
}

export function endTask(task: Task): void {
  if (current === task) current = null;
  const s = getUi().status;
  if (s === 'detecting' || s === 'removing') setStatus('idle', 'Ready');
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
