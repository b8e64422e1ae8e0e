/**
 * Load benchmark of `unmark serve`: `npm run bench:server -- [--requests 500]
 *   [--connections 10] [--max-concurrent 10] [--side 320] [--rounds 1]`
 *
 * Starts the real server as a child process (bin/unmark.mjs serve) on a free
 * loopback port with a temporary API key, waits for /readyz, then drives
 * POST /v1/detect with autocannon: `--requests` authenticated requests from
 * `--connections` connections (a --side-px JPEG made from the test fixture),
 * then 150 anonymous ones, which must meet the default anonymous limit
 * (100 + 10 % burst, then 429s). Reports requests/s, p50/p99 latency, the
 * server's peak RSS (VmHWM) and its RSS once idle workers have exited;
 * `--rounds N` repeats the authenticated run on the same server (its limit
 * raised to fit) and reports RSS after each, which is how a leak would show.
 * Exits 1 on any error other than the intended 429s.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon, { type Result } from 'autocannon';
import sharp from 'sharp';
import { REPO_ROOT } from '../platform/node/paths';
import { fmt, parseFlags, table } from './common';

const log = (s: string) => process.stderr.write(`${s}\n`);
const flags = parseFlags(process.argv.slice(2));
const requests = Number(flags.get('requests') ?? 500);
const connections = Number(flags.get('connections') ?? 10);
const maxConcurrent = Number(flags.get('max-concurrent') ?? 10);
const side = Number(flags.get('side') ?? 320);
const rounds = Number(flags.get('rounds') ?? 1);
const IDLE_S = 3;
const ANONYMOUS = 150;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The server's resident memory now and at its peak, from /proc (kB → MB). */
async function rss(pid: number): Promise<{ now: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function until(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function multipart(image: Buffer): { body: Buffer; type: string } {
  const boundary = 'unmark-bench-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="bench.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
  return { body: Buffer.concat([Buffer.from(head), image, Buffer.from(`\r\n--${boundary}--\r\n`)]), type: `multipart/form-data; boundary=${boundary}` };
}

const codes = (r: Result) => Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count]));

async function main(): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), 'unmark-bench-'));
  const key = `bench-${Math.random().toString(36).slice(2)}-key-0123456789`;
  await writeFile(path.join(dir, 'keys'), `${key}\n`);
  const image = await sharp(path.join(REPO_ROOT, 'e2e/fixtures/photo-text.jpg')).resize({ width: side }).jpeg({ quality: 90 }).toBuffer();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ['bin/unmark.mjs', 'serve', '--port', String(port), '--api-keys', path.join(dir, 'keys'), '--max-concurrent', String(maxConcurrent), '--limit-authenticated', `${Math.max(1000, requests * rounds)}/3600`, '--queue', String(connections * 2), '--idle', String(IDLE_S), '--log-level', 'warn'];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const pid = child.pid as number;
  try {
    await until('/readyz', async () => (await fetch(`${url}/readyz`)).status === 200, 120_000);
    const idle0 = await rss(pid);
    log(`server ready (pid ${pid}), RSS ${fmt(idle0.now)} MB; ${requests} requests, ${connections} connections, ${side}-px JPEG (${image.length} B), --max-concurrent ${maxConcurrent}`);
    const { body, type } = multipart(image);
    const run = (n: number, headers: Record<string, string>) =>
      autocannon({ url: `${url}/v1/detect`, method: 'POST', headers: { 'content-type': type, ...headers }, body, amount: n, connections, timeout: 120 });
    const idleRss = async () => {
      await until('idle workers to exit', async () => /^api_pool_workers 0$/m.test(await (await fetch(`${url}/metrics`)).text()), (IDLE_S + 30) * 1000);
      await new Promise((r) => setTimeout(r, 1000));
      // The main thread's JS heap and external memory from /metrics: a creep there is ours, not the allocator's.
      const metrics = await (await fetch(`${url}/metrics`)).text();
      const mb = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN) / 1024 / 1024;
      heaps.push(`heap ${fmt(mb('nodejs_heap_size_used_bytes'))} MB, external ${fmt(mb('nodejs_external_memory_bytes'))} MB`);
      return (await rss(pid)).now;
    };
    const heaps: string[] = [];
    const main = await run(requests, { authorization: `Bearer ${key}` });
    const peak = (await rss(pid)).peak;
    const after = await idleRss();
    const later: string[] = [];
    const problems: string[] = [];
    for (let r = 2; r <= rounds; r++) {
      const again = await run(requests, { authorization: `Bearer ${key}` });
      if (again.errors || again.timeouts || again.non2xx) problems.push(`round ${r}: ${JSON.stringify(codes(again))}, ${again.errors} errors, ${again.timeouts} timeouts`);
      later.push(`round ${r}: ${fmt(again.requests.average)} req/s, p99 ${fmt(again.latency.p99, 0)} ms, peak ${fmt((await rss(pid)).peak)} MB, after ${fmt(await idleRss())} MB (${heaps.at(-1)})`);
    }
    // Last: its refusals earn the address an (anonymous-tier) ban.
    const anonymous = await run(ANONYMOUS, {});
    const mainCodes = codes(main);
    const anonCodes = codes(anonymous);
    process.stdout.write(
      `${table(
        ['run', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'status codes', 'errors', 'timeouts'],
        [
          ['authenticated', String(requests), fmt(main.requests.average), fmt(main.latency.p50, 0), fmt(main.latency.p99, 0), JSON.stringify(mainCodes), String(main.errors), String(main.timeouts)],
          ['anonymous (limit 100/h + 10 %)', String(ANONYMOUS), fmt(anonymous.requests.average), fmt(anonymous.latency.p50, 0), fmt(anonymous.latency.p99, 0), JSON.stringify(anonCodes), String(anonymous.errors), String(anonymous.timeouts)],
        ],
      )}\n\nserver RSS: ${fmt(idle0.now)} MB ready, ${fmt(peak)} MB peak, ${fmt(after)} MB after the run (idle workers exited; ${heaps[0]})\n${later.map((l) => `${l}\n`).join('')}`,
    );
    if (main.errors || main.timeouts || main.non2xx || main['2xx'] !== requests) problems.push(`authenticated run: ${JSON.stringify(mainCodes)}, ${main.errors} errors, ${main.timeouts} timeouts`);
    if (anonymous.errors || anonymous.timeouts || anonCodes['200'] !== 110 || anonCodes['429'] !== ANONYMOUS - 110) problems.push(`anonymous run: ${JSON.stringify(anonCodes)} (want 110 × 200, ${ANONYMOUS - 110} × 429)`);
    for (const p of problems) log(`FAIL ${p}`);
    return problems.length ? 1 : 0;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
