/** Each image's place in the queue, kept in the store (DocMeta.job). */
import { errorCode, errorMessage } from '../errors';
import { getUi, updateDoc, type DocMeta, type UiState } from '../store';
import { isQueued, jobAfter, settledJob, type BatchKind, type DocJob, type JobState, type QueueDoc } from './queue';

export function queueDoc(d: DocMeta): QueueDoc {
  return {
    id: d.id,
    maskCount: d.maskCount,
    maskVersion: d.maskVersion,
    hasDetection: d.detection !== null,
    resultMaskVersion: d.result ? d.result.maskVersion : null,
    job: d.job,
  };
}

export function setJob(docId: string, job: DocJob): void {
  updateDoc('ui', docId, { job });
}

/** Records how a step on one image ended (single or batch): what it now holds, or failed with its code. */
export function recordOutcome(kind: BatchKind, docId: string, error?: unknown): void {
  const meta = getUi().docs.find((d) => d.id === docId);
  if (!meta) return;
  const outcome = error === undefined ? { ok: true as const } : { ok: false as const, code: errorCode(error), message: errorMessage(error) };
  setJob(docId, jobAfter(kind, outcome, settledJob(queueDoc(meta))));
}

/** What the strip shows for an image: its queue state, the running task, a failure, else what it holds. */
export function displayJob(d: DocMeta, s: Pick<UiState, 'busyDocId' | 'status'>): DocJob {
  if (s.busyDocId === d.id && (s.status === 'detecting' || s.status === 'removing')) {
    return { state: s.status, progress: d.job.state === s.status ? d.job.progress : null };
  }
  if (isQueued(d.job) || d.job.state === 'failed') return d.job;
  return settledJob(queueDoc(d));
}

export type { JobState };
