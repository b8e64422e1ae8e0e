import { describe, expect, it } from 'vitest';
import { IDLE_JOB, jobAfter, pickForBatch, settledJob, summarise, zipEntryNames, type QueueDoc } from './queue';

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
