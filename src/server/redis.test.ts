/**
 * Two server instances sharing their limits and bans through a real
 * redis-server (Debian's package), started here on a free port and stopped
 * afterwards. Skipped, saying so, only where the binary is not installed; CI
 * installs it (.ci/run).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { read, start, type Running } from './testing/harness';

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedis) console.warn('SKIPPED: redis-server is not installed (apt-get install redis-server); the shared-limits test did not run.');

let redisProcess: ChildProcess | undefined;
let port = 0;
const clients: Redis[] = [];
const servers: Running[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address() as { port: number };
      probe.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  if (!hasRedis) return;
  port = await freePort();
  redisProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
  probe.on('error', () => undefined); // refused until redis-server listens: retried below
  const end = Date.now() + 10_000;
  for (;;) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch (e) {
      if (Date.now() > end) throw e;
      probe.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  probe.disconnect();
}, 20_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const c of clients) c.disconnect();
  if (redisProcess && redisProcess.exitCode === null) {
    const exited = new Promise((r) => redisProcess!.once('exit', r));
    redisProcess.kill('SIGTERM');
    await exited;
  }
});

async function instance(): Promise<Running> {
  const redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
  clients.push(redis);
  const s = await start({ limitAnonymous: '3/60', burst: 0, banAfter: 2, banWindow: 60, banFor: 120 }, { redis });
  servers.push(s);
  return s;
}

const hit = async (s: Running) => read(await fetch(`${s.url}/v1/detect`, { method: 'POST' }));

describe.skipIf(!hasRedis)('serve --redis: limits shared by two instances', () => {
  it('counts one client across both instances, and a ban earned on one holds on the other', async () => {
    const a = await instance();
    const b = await instance();
    expect((await hit(a)).status).toBe(415);
    expect((await hit(b)).status).toBe(415);
    expect((await hit(a)).status).toBe(415);
    // Three spent between them: the fourth is refused wherever it lands.
    const refused = await hit(b);
    expect([refused.status, refused.json.error?.code]).toEqual([429, 'E_RATE_LIMITED']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The second refusal (on the other instance) earns the ban, and both see it.
    const banned = await hit(a);
    expect(banned.json.error?.message).toMatch(/banned/);
    const onB = await hit(b);
    expect(onB.status).toBe(429);
    expect(onB.json.error?.message).toMatch(/banned/);
    // It is really Redis holding them, not two memories that happen to agree.
    const keys = await clients[0].keys('unmark:*');
    expect(keys.some((k) => k.startsWith('unmark:ban'))).toBe(true);
  });
});
