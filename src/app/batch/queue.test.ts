import { describe, expect, it } from 'vitest';
import { IDLE_JOB, jobAfter, jobToSave, pickForBatch, resumePlan, settledJob, summarise, zipEntryNames, type DocJob, type QueueDoc } from './queue';

const doc = (id: string, over: Partial<QueueDoc> = {}): QueueDoc => ({
  id,
  maskCount: 0,
  maskVersion: 0,
  hasDetection: false,
  resultMaskVersion: null,
  job: IDLE_JOB,
  ...over,
});

describe('pickForBatch', () => {
  const docs = [
    doc('fresh'),
    doc('painted', { maskCount: 50, maskVersion: 2 }),
    doc('detected-empty', { hasDetection: true }),
    doc('done', { maskCount: 50, maskVersion: 3, resultMaskVersion: 3 }),
    doc('stale', { maskCount: 50, maskVersion: 4, resultMaskVersion: 3 }),
    doc('queued', { job: { state: 'waiting', progress: null, kind: 'detect' } }),
    doc('running', { maskCount: 10, job: { state: 'removing', progress: 0.5 } }),
    doc('failed', { job: { state: 'failed', progress: null, code: 'E_PROCESSING', message: 'x' } }),
  ];

  it('detect takes only images with no detection and no mask, in order', () => {
    expect(pickForBatch('detect', docs)).toEqual(['fresh', 'failed']);
  });

  it('remove takes images with a mask and no up-to-date result', () => {
    expect(pickForBatch('remove', docs)).toEqual(['painted', 'stale']);
  });
});

describe('settledJob and jobAfter', () => {
  it('settles on what the image holds', () => {
    expect(settledJob(doc('a')).state).toBe('idle');
    expect(settledJob(doc('a', { maskCount: 1 })).state).toBe('review');
    expect(settledJob(doc('a', { maskCount: 1, maskVersion: 2, resultMaskVersion: 2 })).state).toBe('done');
    expect(settledJob(doc('a', { maskCount: 1, maskVersion: 3, resultMaskVersion: 2 })).state).toBe('review');
  });

  it('a failure keeps its code; a cancel is not a failure', () => {
    const settled = settledJob(doc('a', { maskCount: 1 }));
    expect(jobAfter('remove', { ok: false, code: 'E_OOM', message: 'no memory' }, settled)).toEqual({
      state: 'failed',
      progress: null,
      code: 'E_OOM',
      message: 'no memory',
      kind: 'remove',
    });
    expect(jobAfter('remove', { ok: false, code: 'E_CANCELLED', message: 'Cancelled.' }, settled)).toEqual(settled);
    expect(jobAfter('detect', { ok: true }, settled).state).toBe('review');
  });
});

describe('the queue across a reload: jobToSave and resumePlan', () => {
  const waiting = (kind: 'detect' | 'remove'): DocJob => ({ state: 'waiting', progress: null, kind });
  const review: DocJob = { state: 'review', progress: null };

  it('keeps waiting images waiting and the running one waiting again; settled jobs as they are', () => {
    expect(jobToSave(waiting('detect'), IDLE_JOB)).toEqual(waiting('detect'));
    expect(jobToSave({ state: 'removing', progress: 0.4, kind: 'remove' }, review)).toEqual(waiting('remove'));
    expect(jobToSave({ state: 'detecting', progress: null, kind: 'detect' }, IDLE_JOB)).toEqual(waiting('detect'));
    // A queued job that names no batch is kept as what the image holds.
    expect(jobToSave({ state: 'removing', progress: 0.4 }, review)).toEqual(review);
    const failed: DocJob = { state: 'failed', progress: null, code: 'E_PROCESSING', message: 'x', kind: 'remove' };
    expect(jobToSave(failed, review)).toBe(failed);
    expect(jobToSave(review, IDLE_JOB)).toBe(review);
  });

  it('round trip: what is saved comes back as the same batches, in strip order', () => {
    const saved = (d: QueueDoc): QueueDoc => ({ ...d, job: structuredClone(jobToSave(d.job, settledJob(d))) });
    const docs = [
      doc('done', { maskCount: 5, maskVersion: 2, resultMaskVersion: 2 }),
      doc('running', { job: { state: 'detecting', progress: null, kind: 'detect' } }),
      doc('w1', { job: waiting('detect') }),
      doc('idle'),
      doc('w2', { job: waiting('detect') }),
    ].map(saved);
    expect(resumePlan(docs)).toEqual({ batches: [{ kind: 'detect', ids: ['running', 'w1', 'w2'] }], settle: [] });
  });

  it('detect before remove; an image with nothing left to do for its batch settles instead', () => {
    const docs = [
      doc('r1', { maskCount: 5, maskVersion: 3, resultMaskVersion: 1, job: waiting('remove') }),
      doc('r-done', { maskCount: 5, maskVersion: 3, resultMaskVersion: 3, job: waiting('remove') }),
      doc('d1', { job: waiting('detect') }),
      doc('d-masked', { maskCount: 9, job: waiting('detect') }),
      doc('no-kind', { job: { state: 'waiting', progress: null } }),
      doc('idle'),
    ];
    expect(resumePlan(docs)).toEqual({
      batches: [
        { kind: 'detect', ids: ['d1'] },
        { kind: 'remove', ids: ['r1'] },
      ],
      settle: ['d-masked', 'r-done', 'no-kind'],
    });
    expect(resumePlan([doc('a'), doc('b', { job: review })])).toEqual({ batches: [], settle: [] });
  });
});

describe('summarise', () => {
  it('counts queued, done, failed and results', () => {
    const s = summarise([
      { job: { state: 'waiting', progress: null }, hasResult: false },
      { job: { state: 'done', progress: null }, hasResult: true },
      { job: { state: 'failed', progress: null, code: 'E' }, hasResult: true },
      { job: IDLE_JOB, hasResult: false },
    ]);
    expect(s).toEqual({ total: 4, queued: 1, done: 1, failed: 1, withResult: 2 });
  });
});

describe('zipEntryNames', () => {
  it('names each <name>-clean.png and never repeats a name', () => {
    expect(zipEntryNames(['a', 'b', 'a', 'A'])).toEqual(['a-clean.png', 'b-clean.png', 'a-clean (2).png', 'A-clean (3).png']);
  });
});
