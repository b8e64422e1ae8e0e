import { describe, expect, it } from 'vitest';
import { isSerializedError, toSerializedError, WmError } from '../engine/errors';
import { requireDoc } from './documents';

describe('requireDoc', () => {
  const docs = new Map([['doc-a-1', { width: 2 }]]);

  it('returns a held document', () => {
    expect(requireDoc(docs, 'doc-a-1')).toEqual({ width: 2 });
  });

  it('throws E_DOC_MISSING, with the id, for an id the worker does not hold', () => {
    let thrown: unknown;
    try {
      requireDoc(docs, 'doc-b-7');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(WmError);
    expect((thrown as WmError).code).toBe('E_DOC_MISSING');
    expect((thrown as WmError).category).toBe('processing');
    expect((thrown as WmError).message).toContain('doc-b-7');
  });

  it('keeps its code across the worker boundary (what the engine client retries on)', () => {
    let serialized: unknown;
    try {
      requireDoc(docs, 'gone');
    } catch (e) {
      serialized = structuredClone(toSerializedError(e));
    }
    expect(isSerializedError(serialized)).toBe(true);
    expect((serialized as { code: string }).code).toBe('E_DOC_MISSING');
  });
});
