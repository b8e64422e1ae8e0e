/**
 * Rate limits through the real server: 429 with Retry-After after N plus the
 * burst, the authenticated tier, and a ban with its expiry on a fake clock
 * (only Date is faked: rate-limiter-flexible's memory store reads Date.now(),
 * while sockets and timers stay real). Requests carry no body, so each one is
 * counted by the limits and then refused as 415 without touching a worker.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readApiKeys } from './options';
import { read, start, type Running } from './testing/harness';

const KEY = 'test-key-0123456789abcdef';
let running: Running[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

async function server(overrides: Parameters<typeof start>[0], deps: Parameters<typeof start>[1] = {}): Promise<Running> {
  const s = await start(overrides, deps);
  running.push(s);
  return s;
}

const hit = async (s: Running, headers: Record<string, string> = {}) => read(await fetch(`${s.url}/v1/detect`, { method: 'POST', headers }));

describe('serve: rate limits', () => {
  it('allows N plus the burst, then 429 with Retry-After and the engine code', async () => {
    const s = await server({ limitAnonymous: '10/60', burst: 20, banAfter: 0 });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await hit(s)).status);
    expect(statuses).toEqual(Array(12).fill(415));
    const refused = await hit(s);
    expect(refused.status).toBe(429);
    expect(refused.json.error?.code).toBe('E_RATE_LIMITED');
    const retry = Number(refused.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    // Health checks and metrics are never limited.
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${s.url}/metrics`)).text()).toMatch(/^api_errors_total\{type="rate-limit",code="E_RATE_LIMITED"\} 1$/m);
  });

  it('gives a known API key the authenticated tier, and refuses an unknown one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'unmark-keys-'));
    try {
      await writeFile(path.join(dir, 'keys'), `# one per line\n${KEY}\n\n`);
      const s = await server({ limitAnonymous: '2/60', limitAuthenticated: '3/60', burst: 0, banAfter: 0 }, { apiKeys: readApiKeys(path.join(dir, 'keys')) });
      expect((await hit(s)).status).toBe(415);
      // A wrong key is refused, and spends an anonymous request: guessing keys is limited like anything else.
      const unknown = await hit(s, { 'x-api-key': 'not-a-key-of-this-server' });
      expect([unknown.status, unknown.json.error?.code]).toEqual([401, 'E_UNAUTHORIZED']);
      expect((await hit(s)).status).toBe(429);
      expect((await hit(s, { 'x-api-key': 'not-a-key-of-this-server' })).status).toBe(429);
      const authed = [];
      for (let i = 0; i < 4; i++) authed.push((await hit(s, { authorization: `Bearer ${KEY}` })).status);
      expect(authed).toEqual([415, 415, 415, 429]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('bans after repeated refusals, and lifts the ban when it runs out (fake clock)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const s = await server({ limitAnonymous: '2/60', burst: 0, banAfter: 2, banWindow: 600, banFor: 300 });
    expect([(await hit(s)).status, (await hit(s)).status]).toEqual([415, 415]);
    const first = await hit(s);
    expect(first.status).toBe(429);
    expect(first.json.error?.message).toMatch(/Rate limit/);
    const banned = await hit(s); // the second refusal earns the ban
    expect(banned.status).toBe(429);
    expect(banned.json.error?.message).toMatch(/banned/);
    expect(Number(banned.headers.get('retry-after'))).toBe(300);

    // The window is over, the ban is not.
    vi.setSystemTime(new Date('2030-01-01T00:02:00Z'));
    const still = await hit(s);
    expect(still.status).toBe(429);
    expect(still.json.error?.message).toMatch(/banned/);
    expect(Number(still.headers.get('retry-after'))).toBe(180);

    vi.setSystemTime(new Date('2030-01-01T00:05:01Z'));
    expect((await hit(s)).status).toBe(415);
  });
});
