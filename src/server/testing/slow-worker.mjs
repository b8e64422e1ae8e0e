// A stand-in worker for the pool tests (503 when full, a timeout that frees the
// slot): it answers like src/server/worker.ts but does no image work. A job with
// threshold 1 blocks the thread synchronously for workerData.test.slowMs, as a
// long engine loop would (Atomics.wait: no CPU spent, and no event loop to yield
// to, so only terminating the thread stops it); any other job answers at once.
import { parentPort, workerData } from 'node:worker_threads';

const slowMs = workerData.test?.slowMs ?? 60_000;
parentPort.on('message', ({ id, job }) => {
  if (job.kind === 'warm') {
    parentPort.postMessage({ id, ok: true, result: { kind: 'warm', models: [{ id: 'stand-in', role: 'detector', params: 1 }], errors: [] } });
    return;
  }
  if (job.threshold === 1) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, slowMs);
  const record = { width: 1, height: 1, timings: { decode: 0, detect: 0, total: 0 }, detections: [] };
  parentPort.postMessage({ id, ok: true, result: { kind: 'detect', record, maskPng: new Uint8Array([0]) } });
});
