/**
 * The worker protocol must keep every field the app reads. The lists below are
 * what src/app reads from each answer (grep the app before you shorten one);
 * `satisfies` makes tsc fail when a listed field leaves the protocol type, and
 * the runtime checks fail when the worker's builders (results.ts) stop
 * setting one on an answer made from a real engine run.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { detect } from '../engine/detect';
import { createMask, fillRect } from '../engine/mask';
import { removeMarks } from '../engine/remove';
import { noiseImage } from '../engine/testing';
import type { Region } from '../engine/types';
import type { MarkFound, MarkSummary, RegionMethodRecord, SharedFound, ExportedMark } from './mark-protocol';
import type { DecodedInfo, DetectResult, LoadProgress, RemoveProgress, RemoveResult, RuntimeInfo, UnavailableModel } from './protocol';
import type { JournalOp, MaskChange, MaskJournalState, MaskProposal, PackedMaskBytes } from './mask-protocol';
import { MaskDocs } from './mask-docs';
import { regionRecords, toDetectResult, toRemoveResult } from './results';

/** Fields of each answer that the app reads (actions/, components/, session/, batch/). */
const READS = {
  detect: ['detectionId', 'regions', 'ms', 'backend'] as const satisfies readonly (keyof DetectResult)[],
  region: ['id', 'kind', 'confidence', 'box', 'verdict', 'reason', 'enabled'] as const satisfies readonly (keyof Region)[],
  remove: ['resultId', 'bitmap', 'tiles', 'ms', 'backend', 'method', 'regions', 'marksUsed', 'maskVersion'] as const satisfies readonly (keyof RemoveResult)[],
  regionMethod: ['box', 'pixels', 'method'] as const satisfies readonly (keyof RegionMethodRecord)[],
  decoded: ['docId', 'width', 'height', 'format', 'hasAlpha', 'bitmap'] as const satisfies readonly (keyof DecodedInfo)[],
  runtime: ['backend', 'threads', 'detectors', 'removers', 'unavailable', 'removalMethods', 'defaultMethod'] as const satisfies readonly (keyof RuntimeInfo)[],
  unavailable: ['modelId', 'role', 'code', 'message'] as const satisfies readonly (keyof UnavailableModel)[],
  loadProgress: ['file', 'loaded', 'total', 'phase'] as const satisfies readonly (keyof LoadProgress)[],
  removeProgress: ['done', 'total'] as const satisfies readonly (keyof RemoveProgress)[],
  markFound: ['mark', 'proposal', 'added', 'mode'] as const satisfies readonly (keyof MarkFound)[],
  sharedFound: ['mark', 'docs'] as const satisfies readonly (keyof SharedFound)[],
  sharedDoc: ['docId', 'proposal', 'added'] as const satisfies readonly (keyof SharedFound['docs'][number])[],
  // Masks (mask-protocol.ts): app/actions/mask-actions.ts, app/mask-journal.ts, app/session/.
  maskChange: ['docId', 'version', 'count', 'undoLabel', 'redoLabel', 'rect', 'bytes', 'journal'] as const satisfies readonly (keyof MaskChange)[],
  maskProposal: ['docId', 'token', 'added'] as const satisfies readonly (keyof MaskProposal)[],
  packedMask: ['width', 'height', 'version', 'zlib'] as const satisfies readonly (keyof PackedMaskBytes)[],
  journalState: ['width', 'height', 'version', 'base', 'ops'] as const satisfies readonly (keyof MaskJournalState)[],
  markSummary: ['markId', 'source', 'opacity', 'colour', 'width', 'height', 'instances'] as const satisfies readonly (keyof MarkSummary)[],
  exportedMark: ['png', 'sidecar'] as const satisfies readonly (keyof ExportedMark)[],
};

/** A stand-in for the bitmap (Node has no ImageBitmap); only its presence is checked. */
const bitmap = { width: 1, height: 1, close: () => undefined } as unknown as ImageBitmap;

function withoutBitmap(r: RemoveResult): Omit<RemoveResult, 'bitmap'> {
  const { bitmap: _bitmap, ...rest } = r;
  return rest;
}

describe('protocol types', () => {
  it('keep the types the app relies on', () => {
    expectTypeOf<DetectResult['regions']>().toEqualTypeOf<Region[]>();
    expectTypeOf<DetectResult['ms']>().toEqualTypeOf<number>();
    expectTypeOf<RemoveResult['tiles']>().toEqualTypeOf<number>();
    expectTypeOf<RemoveResult['bitmap']>().toEqualTypeOf<ImageBitmap>();
    expectTypeOf<RemoveResult['marksUsed']>().toEqualTypeOf<boolean>();
    expectTypeOf<RemoveResult['regions']>().toEqualTypeOf<RegionMethodRecord[] | undefined>();
    expectTypeOf<DecodedInfo['docId']>().toEqualTypeOf<string>();
    expectTypeOf<RuntimeInfo['unavailable']>().toEqualTypeOf<UnavailableModel[]>();
    expectTypeOf<MarkFound['added']>().toEqualTypeOf<number>();
    expectTypeOf<MaskChange['bytes']>().toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf<MaskChange['journal']>().toEqualTypeOf<JournalOp | undefined>();
    expectTypeOf<RemoveResult['maskVersion']>().toEqualTypeOf<number>();
    // Every list is non-empty (a list emptied by mistake checks nothing).
    for (const [name, fields] of Object.entries(READS)) expect(fields.length, name).toBeGreaterThan(0);
  });
});

describe('worker answers built from real engine runs', () => {
  const image = noiseImage(64, 48, 5);
  const mask = createMask(64, 48);
  fillRect(mask, { x: 20, y: 16, width: 12, height: 8 }, 255);

  it('remove (Telea): every field the app reads is set, and the answer is plain data', async () => {
    const out = await removeMarks(image, mask, { kind: 'telea' });
    const result = toRemoveResult({ resultId: 'res-1', bitmap, out, method: 'telea', regions: regionRecords(out, 'telea', 64, 48), ms: 3, marksUsed: false, maskVersion: 4 });
    for (const field of READS.remove.filter((f) => f !== 'regions')) expect(result, field).toHaveProperty(field);
    expect(result.tiles).toBeGreaterThan(0);
    expect(result.backend).toBe('cpu');
    expect(structuredClone(withoutBitmap(result))).toEqual(withoutBitmap(result));
  });

  it('remove (auto): the per-region record is sent, with every field the app reads', async () => {
    const out = await removeMarks(image, mask, { kind: 'auto' });
    const regions = regionRecords(out, 'auto', 64, 48);
    const result = toRemoveResult({ resultId: 'res-2', bitmap, out, method: 'auto', regions, ms: 3, marksUsed: false, maskVersion: 4 });
    for (const field of READS.remove) expect(result, field).toHaveProperty(field);
    expect(result.regions?.length).toBeGreaterThan(0);
    for (const r of result.regions ?? []) for (const field of READS.regionMethod) expect(r, field).toHaveProperty(field);
  });

  it('detect: every field the app reads is set, on the answer and on each region', async () => {
    const { redDetector } = await import('../engine/testing');
    const red = noiseImage(200, 120, 2);
    for (let y = 40; y < 80; y++)
      for (let x = 60; x < 140; x++) red.data.set([255, 0, 0, 255], (y * 200 + x) * 4);
    const det = await detect(red, [redDetector(100)], { threshold: 0.5 });
    const result = toDetectResult('det-1', det, 4);
    for (const field of READS.detect) expect(result, field).toHaveProperty(field);
    expect(result.regions.length).toBeGreaterThan(0);
    // `verdict` and `reason` come with triage (on by default); `enabled` always.
    for (const r of result.regions) for (const field of READS.region) expect(r, field).toHaveProperty(field);
    expect(structuredClone(result)).toEqual(result);
  });

  it('mask calls: every field the app reads is set, and the answers are plain data', () => {
    const docs = new MaskDocs();
    docs.open('doc-1', 64, 48);
    docs.strokeBegin('doc-1');
    docs.strokeSegments('doc-1', [{ x0: 4, y0: 4, x1: 30, y1: 20, radius: 3, value: 255 }]);
    const change = docs.strokeCommit('doc-1', 'Brush', true);
    for (const field of READS.maskChange.filter((f) => f !== 'redoLabel')) expect(change[field], field).toBeTruthy();
    expect(change.redoLabel).toBeNull();
    expect(structuredClone(change)).toEqual(change);
    const { mask: base, version } = docs.snapshot('doc-1');
    const proposal = docs.propose('doc-1', base, version, 0);
    for (const field of READS.maskProposal) expect(proposal, field).toHaveProperty(field);
    const packed = docs.packed('doc-1');
    for (const field of READS.packedMask) expect(packed, field).toHaveProperty(field);
    expect(structuredClone(packed)).toEqual(packed);
  });
});
