/**
 * The worker pool behind the routes, through the real server with a stand-in
 * worker (testing/slow-worker.mjs) whose "slow" jobs block their thread the
 * way a long engine loop does: a full pool answers 503, and a job past
 * --timeout answers 504, its thread is terminated and the slot serves the next.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { post, SLOW_WORKER, start, type Running } from './testing/harness';

const IMAGE = { image: new Uint8Array([1, 2, 3]) };
const SLOW = { threshold: '1' };
const FAST = { threshold: '0' };
let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('serve: the worker pool', () => {
  it('queues up to --queue behind --max-concurrent, then answers 503 E_BUSY at once', async () => {
    running = await start({ maxConcurrent: 1, queue: 1, timeout: 30 }, { workerEntry: SLOW_WORKER, workerTest: { slowMs: 1500 } });
    const url = `${running.url}/v1/detect`;
    const first = post(url, IMAGE, SLOW);
    await until(() => running!.server.pool.stats.busy === 1);
    const second = post(url, IMAGE, FAST);
    await until(() => running!.server.pool.stats.queued === 1);
    const t0 = performance.now();
    const third = await post(url, IMAGE, FAST);
    expect([third.status, third.json.error?.code]).toEqual([503, 'E_BUSY']);
    expect(performance.now() - t0).toBeLessThan(1000); // refused, not queued
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200); // a busy pool never blocks health
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
  });

  it('stops a job past --timeout with 504 E_TIMEOUT, frees the slot, and serves the next request', async () => {
    running = await start({ maxConcurrent: 1, queue: 0, timeout: 1 }, { workerEntry: SLOW_WORKER, workerTest: { slowMs: 60_000 } });
    const url = `${running.url}/v1/detect`;
    const t0 = performance.now();
    const slow = await post(url, IMAGE, SLOW);
    expect([slow.status, slow.json.error?.code]).toEqual([504, 'E_TIMEOUT']);
    expect(performance.now() - t0).toBeLessThan(5000);
    // The blocked thread is gone (terminated), not left running beside a new one.
    expect(running.server.pool.stats).toEqual({ busy: 0, queued: 0, workers: 0 });
    const next = await post(url, IMAGE, FAST);
    expect(next.status).toBe(200);
    expect(running.server.pool.stats.workers).toBe(1);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/^api_errors_total\{type="concurrency",code="E_TIMEOUT"\} 1$/m);
    expect(metrics).toMatch(/^api_concurrent_requests 0$/m);
  });

  it('stops the work of a client that hangs up, and frees its slot', async () => {
    running = await start({ maxConcurrent: 1, timeout: 60 }, { workerEntry: SLOW_WORKER, workerTest: { slowMs: 60_000 } });
    const form = new FormData();
    form.append('image', new Blob([IMAGE.image]));
    form.append('threshold', '1');
    const hangUp = new AbortController();
    const request = fetch(`${running.url}/v1/detect`, { method: 'POST', body: form, signal: hangUp.signal }).catch((e: unknown) => e);
    await until(() => running!.server.pool.stats.busy === 1);
    hangUp.abort();
    await request;
    await until(() => running!.server.pool.stats.workers === 0);
    expect((await post(`${running.url}/v1/detect`, IMAGE, FAST)).status).toBe(200);
    expect(await (await fetch(`${running.url}/metrics`)).text()).toMatch(/^api_concurrent_requests 0$/m);
  });

  it('retires idle workers after --idle, so their memory is given back', async () => {
    running = await start({ maxConcurrent: 2, idle: 1 }, { workerEntry: SLOW_WORKER });
    await Promise.all([post(`${running.url}/v1/detect`, IMAGE, FAST), post(`${running.url}/v1/detect`, IMAGE, FAST)]);
    expect(running.server.pool.stats.workers).toBeGreaterThanOrEqual(1);
    await until(() => running!.server.pool.stats.workers === 0, 5000);
  });
});

async function until(condition: () => boolean, ms = 3000): Promise<void> {
  const end = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > end) throw new Error('timed out waiting for the pool');
    await new Promise((r) => setTimeout(r, 10));
  }
}
