/**
 * The batch queue as pure data: what each open image is doing, which images a
 * "Detect all" or "Remove all" takes, and where each one goes when its step
 * ends. No DOM, no store: batch-actions.ts drives it, queue.test.ts checks it.
 */

/**
 * - idle:      nothing to review yet (no mask)
 * - waiting:   in the queue, its turn has not come
 * - detecting / removing: the worker is on it
 * - review:    has a mask to look at before Remove
 * - done:      has a result for its current mask
 * - failed:    the last step failed; `code` says why. Mask and history are kept.
 */
export type JobState = 'idle' | 'waiting' | 'detecting' | 'review' | 'removing' | 'done' | 'failed';
export type BatchKind = 'detect' | 'remove';

export interface DocJob {
  state: JobState;
  /** 0..1 while removing (tiles done / total); null when unknown. */
  progress: number | null;
  /** Error code and message of a failed step. */
  code?: string;
  message?: string;
  /** Which batch put it in the queue (what 'waiting' waits for). */
  kind?: BatchKind;
}

/** What the queue needs to know about an image. */
export interface QueueDoc {
  id: string;
  maskCount: number;
  maskVersion: number;
  hasDetection: boolean;
  /** maskVersion of the current result, or null when there is none. */
  resultMaskVersion: number | null;
  job: DocJob;
}

export const IDLE_JOB: DocJob = { state: 'idle', progress: null };

/** The state an image settles in when nothing runs on it, from what it holds. */
export function settledJob(d: Omit<QueueDoc, 'job'>): DocJob {
  if (d.resultMaskVersion !== null && d.resultMaskVersion === d.maskVersion) return { state: 'done', progress: null };
  if (d.maskCount > 0) return { state: 'review', progress: null };
  return IDLE_JOB;
}

const RUNNING: ReadonlySet<JobState> = new Set(['waiting', 'detecting', 'removing']);

export function isQueued(job: DocJob): boolean {
  return RUNNING.has(job.state);
}

/**
 * Which images a batch takes, in strip order. The existing state is honoured:
 * - detect: only images with no detection and an empty mask, so a mask the
 *   user painted or reviewed is never replaced;
 * - remove: images with a mask whose result is missing or older than the mask.
 * Images already queued or running are left alone.
 */
export function pickForBatch(kind: BatchKind, docs: readonly QueueDoc[]): string[] {
  return docs.filter((d) => !isQueued(d.job) && takes(kind, d)).map((d) => d.id);
}

/** Whether a batch of `kind` has work on the image, whatever its queue state. */
function takes(kind: BatchKind, d: Omit<QueueDoc, 'job'>): boolean {
  return kind === 'detect'
    ? !d.hasDetection && d.maskCount === 0
    : d.maskCount > 0 && (d.resultMaskVersion === null || d.resultMaskVersion !== d.maskVersion);
}

/**
 * The job the saved session keeps: an image in the queue is kept waiting for
 * its batch, the one the worker was on too (a reload stops it, so it runs
 * again); `settled` (what it holds) for a queued job that names no batch.
 */
export function jobToSave(job: DocJob, settled: DocJob): DocJob {
  if (!isQueued(job)) return job;
  return job.kind ? { state: 'waiting', progress: null, kind: job.kind } : settled;
}

/** What comes back after a reload: the batches to resume, in order, and the images whose wait is over. */
export interface ResumePlan {
  /** Detect before Remove (a detected mask can then be removed); images in strip order. */
  batches: { kind: BatchKind; ids: string[] }[];
  /** Waiting for a batch that has nothing left to do on them (their mask or result changed): they settle. */
  settle: string[];
}

export function resumePlan(docs: readonly QueueDoc[]): ResumePlan {
  const plan: ResumePlan = { batches: [], settle: [] };
  for (const kind of ['detect', 'remove'] as const) {
    const waiting = docs.filter((d) => isQueued(d.job) && d.job.kind === kind);
    const ids = waiting.filter((d) => takes(kind, d)).map((d) => d.id);
    if (ids.length > 0) plan.batches.push({ kind, ids });
    plan.settle.push(...waiting.filter((d) => !takes(kind, d)).map((d) => d.id));
  }
  plan.settle.push(...docs.filter((d) => isQueued(d.job) && !d.job.kind).map((d) => d.id));
  return plan;
}

export type StepOutcome = { ok: true } | { ok: false; code: string; message: string };

/**
 * The job after one step. `settled` is settledJob() of the image as it is now,
 * after the step: a success shows what it holds (a mask to review, a result),
 * a cancel goes back to that too, and only a real failure is 'failed'.
 */
export function jobAfter(kind: BatchKind, outcome: StepOutcome, settled: DocJob): DocJob {
  if (outcome.ok || outcome.code === 'E_CANCELLED') return settled;
  return { state: 'failed', progress: null, code: outcome.code, message: outcome.message, kind };
}

/** Catalogue keys (i18n/en.ts) for each state's label in the strip. */
export const JOB_LABEL = {
  idle: 'docs.jobIdle',
  waiting: 'docs.jobWaiting',
  detecting: 'docs.jobDetecting',
  review: 'docs.jobReview',
  removing: 'docs.jobRemoving',
  done: 'docs.jobDone',
  failed: 'docs.jobFailed',
} as const satisfies Record<JobState, `docs.${string}`>;

export interface BatchSummary {
  total: number;
  queued: number;
  done: number;
  failed: number;
  withResult: number;
}

export function summarise(docs: readonly { job: DocJob; hasResult: boolean }[]): BatchSummary {
  return {
    total: docs.length,
    queued: docs.filter((d) => isQueued(d.job)).length,
    done: docs.filter((d) => d.job.state === 'done').length,
    failed: docs.filter((d) => d.job.state === 'failed').length,
    withResult: docs.filter((d) => d.hasResult).length,
  };
}

/** `<name>-clean.png` for each image, with " (2)", " (3)"… when two images share a name. */
export function zipEntryNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    let candidate = `${name}-clean.png`;
    for (let n = 2; used.has(candidate.toLowerCase()); n++) candidate = `${name}-clean (${n}).png`;
    used.add(candidate.toLowerCase());
    return candidate;
  });
}
