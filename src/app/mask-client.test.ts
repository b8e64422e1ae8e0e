import { describe, expect, it } from 'vitest';
import type { Remote } from 'comlink';
import { WmError } from '../engine/errors';
import { MaskDocs } from '../worker/mask-docs';
import type { MaskCalls, MaskJournalState } from '../worker/mask-protocol';
import { MaskClient } from './mask-client';

/**
 * A stand-in for the worker: the real MaskDocs behind the same calls, each
 * answered a macrotask later in the order it was sent (as postMessage does),
 * and a log of the calls that reached it.
 */
function fakeWorker() {
  const docs = new MaskDocs();
  const log: string[] = [];
  const restored: MaskJournalState[] = [];
  const calls: MaskCalls = {
    maskOpen: (id, w, h) => docs.open(id, w, h),
    maskRestore: (id, state, bytes) => {
      restored.push(state);
      return docs.restore(id, state, bytes);
    },
    maskRelease: (id) => docs.release(id),
    maskLoad: (id, zlib, bytes) => docs.load(id, zlib, bytes),
    strokeBegin: (id) => docs.strokeBegin(id),
    strokeSegments: (id, segments) => docs.strokeSegments(id, segments),
    strokeCommit: (id, label, bytes) => docs.strokeCommit(id, label, bytes),
    strokeAbort: (id, bytes) => docs.strokeAbort(id, bytes),
    maskBox: (id, rect, value, label, bytes) => docs.box(id, rect, value, label, bytes),
    maskUndo: (id, bytes) => docs.undo(id, bytes),
    maskRedo: (id, bytes) => docs.redo(id, bytes),
    maskOp: (id, op, label, bytes) => docs.op(id, op, label, bytes),
    maskToAll: (id, targets) => docs.copyTo(id, targets),
    detectionProposal: () => {
      throw new WmError('E_PROCESSING', 'no detections here');
    },
    maskAccept: (id, token, label, opts) => docs.accept(id, token, label, opts),
    maskDrop: (id, token) => docs.drop(id, token),
    maskBytes: (id, rect) => docs.bytes(id, rect),
    maskPacked: (id) => docs.packed(id),
    maskCheckpoint: (id) => docs.checkpoint(id),
    maskPng: async () => new Blob([]),
  };
  const api = Object.fromEntries(
    Object.entries(calls).map(([name, f]) => [
      name,
      (...args: unknown[]) =>
        new Promise((resolve, reject) =>
          setTimeout(() => {
            log.push(name);
            try {
              resolve(structuredClone((f as (...a: unknown[]) => unknown)(...args)));
            } catch (e) {
              reject(e);
            }
          }, 0),
        ),
    ]),
  ) as unknown as Remote<MaskCalls>;
  return { docs, log, api, restored };
}

function setup() {
  let worker = fakeWorker();
  let crash: (e: WmError) => void = () => undefined;
  let crashed = new Promise<never>((_, reject) => (crash = reject));
  crashed.catch(() => undefined);
  const client = new MaskClient({ api: () => worker.api, crashed: () => crashed });
  return {
    client,
    worker: () => worker,
    /** The worker dies: calls in flight fail; a new, empty one takes its place. */
    crashAndRestart() {
      crash(new WmError('E_WORKER_CRASHED', 'injected'));
      worker = fakeWorker();
      crashed = new Promise<never>((_, reject) => (crash = reject));
      crashed.catch(() => undefined);
      client.restarted();
    },
  };
}

const seg = (x0: number, x1: number, value: 0 | 255 = 255) => ({ x0, y0: 10, x1, y1: 10, radius: 3, value });

describe('MaskClient', () => {
  it('sends a stroke in the order it was made and keeps its journal', async () => {
    const { client, worker } = setup();
    client.open('doc-1', 64, 48);
    client.strokeBegin('doc-1');
    client.strokeSegments('doc-1', [seg(5, 20)]);
    client.strokeSegments('doc-1', [seg(20, 40)]);
    const change = await client.strokeCommit('doc-1', 'Brush', true);
    expect(worker().log).toEqual(['maskOpen', 'strokeBegin', 'strokeSegments', 'strokeSegments', 'strokeCommit']);
    expect(change.count).toBeGreaterThan(150);
    expect(change.undoLabel).toBe('Brush');
    expect(change.bytes?.length).toBe(change.rect!.width * change.rect!.height);
  });

  it('a crash fails the call in flight; the new worker gets mask and history back before the next call', async () => {
    const env = setup();
    const { client } = env;
    client.open('doc-1', 64, 48);
    client.strokeBegin('doc-1');
    client.strokeSegments('doc-1', [seg(5, 40)]);
    const painted = (await client.strokeCommit('doc-1', 'Brush', false)).count;
    const boxed = await client.box('doc-1', { x: 0, y: 30, width: 10, height: 10 }, 255, 'Box', false);
    expect(boxed!.count).toBe(painted + 100);

    const inFlight = client.undo('doc-1', false);
    env.crashAndRestart();
    await expect(inFlight).rejects.toMatchObject({ code: 'E_WORKER_CRASHED' });

    // Issued together: the restore goes first, then the calls in the order they were made.
    const undo = client.undo('doc-1', false);
    const bytes = client.bytes('doc-1');
    expect((await undo).count).toBe(painted);
    expect((await undo).redoLabel).toBe('Box');
    expect((await bytes).bytes.filter((v) => v > 0).length).toBe(painted);
    expect(env.worker().log).toEqual(['maskRestore', 'maskUndo', 'maskBytes']);
    expect((await client.undo('doc-1', false)).count).toBe(0);
    expect((await client.redo('doc-1', false)).count).toBe(painted);
    expect((await client.redo('doc-1', false)).count).toBe(painted + 100);
  });

  it('restores a restored session as the base, with no undo before it', async () => {
    const env = setup();
    const { client } = env;
    client.open('doc-1', 8, 8);
    const saved = env.worker().docs;
    saved.open('tmp', 8, 8);
    saved.box('tmp', { x: 0, y: 0, width: 4, height: 4 }, 255, 'x', false);
    const zlib = saved.packed('tmp').zlib;
    expect((await client.load('doc-1', zlib, false))!.count).toBe(16);
    env.crashAndRestart();
    const after = await client.undo('doc-1', false);
    expect(after.count).toBe(16);
    expect(after.undoLabel).toBeNull();
    expect(after.version).toBe(1);
  });

  it('restores a saved journal (a reload): same undo steps, it becomes the journal a later crash replays', async () => {
    // Before the reload: two strokes, the second undone.
    const first = setup();
    first.client.open('doc-1', 64, 48);
    first.client.strokeBegin('doc-1');
    first.client.strokeSegments('doc-1', [seg(5, 40)]);
    const one = await first.client.strokeCommit('doc-1', 'Brush', false);
    await first.client.box('doc-1', { x: 0, y: 30, width: 10, height: 10 }, 255, 'Box', false);
    await first.client.undo('doc-1', false);
    const saved = structuredClone(first.client.journalState('doc-1')!);

    // After it: a new client and worker; the document opened, then given the journal.
    const env = setup();
    const { client } = env;
    client.open('doc-1', 64, 48);
    const restored = await client.restore('doc-1', saved, true);
    expect(restored).toMatchObject({ count: one.count, undoLabel: 'Brush', redoLabel: 'Box', version: saved.version });
    expect(restored.bytes?.length).toBe(64 * 48);
    expect(client.journalState('doc-1')).toEqual(saved);
    expect((await client.redo('doc-1', false)).count).toBe(one.count + 100);

    // A crash afterwards: the new worker gets the restored history and the redo made since.
    env.crashAndRestart();
    expect((await client.undo('doc-1', false)).count).toBe(one.count);
    expect((await client.undo('doc-1', false)).count).toBe(0);
    expect(env.worker().log[0]).toBe('maskRestore');

    // A journal of another size is refused before the worker sees it.
    client.open('doc-2', 10, 10);
    await expect(client.restore('doc-2', saved, false)).rejects.toMatchObject({ code: 'E_MASK_MISMATCH' });
  });

  it('a journal grown long is replaced by the worker checkpoint, and still restores exactly', async () => {
    const env = setup();
    const { client } = env;
    client.open('doc-1', 40, 30);
    await client.box('doc-1', { x: 3, y: 2, width: 5, height: 4 }, 255, 'Box', false);
    for (let k = 0; k < 420; k++) await client.op('doc-1', k % 2 ? { op: 'invert' } : { op: 'dilate', px: 1 }, `Step ${k}`, false);
    // The checkpoint is asked after the 401st edit; let it land.
    await client.bytes('doc-1');
    expect(env.worker().log).toContain('maskCheckpoint');
    const before = env.worker().docs.bytes('doc-1').bytes;
    const labels = env.worker().docs.state('doc-1');
    env.crashAndRestart();
    expect((await client.bytes('doc-1')).bytes).toEqual(before);
    expect(env.worker().docs.state('doc-1')).toEqual(labels);
    // What was replayed is the checkpoint (at most the 200 steps the history holds, then a few), not all 421 edits.
    expect(env.worker().restored[0].ops.length).toBeLessThan(250);
    expect(env.worker().restored[0].base).not.toBeNull();
  });

  it('a closed document is forgotten: no restore, the call is refused', async () => {
    const env = setup();
    env.client.open('doc-1', 8, 8);
    env.client.release('doc-1');
    env.crashAndRestart();
    await expect(env.client.undo('doc-1', false)).rejects.toThrow(/Unknown document/);
    expect(env.worker().log).toEqual([]);
  });
});
