/** Test harness: the real server on loopback (port 0), requests with fetch and FormData. */
import { PassThrough } from 'node:stream';
import type { Redis } from 'ioredis';
import { buildServer, type ServerDeps, type UnmarkServer } from '../app';
import { ServeOptionsSchema, type ServeOptions } from '../options';

export interface Running {
  url: string;
  server: UnmarkServer;
  /** Every log line so far, parsed. */
  logs(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Options as `unmark serve` would parse them, with test values on top (port 0, loopback, quiet). */
export function testOptions(overrides: Partial<Record<keyof ServeOptions, unknown>> = {}): ServeOptions {
  return ServeOptionsSchema.parse({ port: 0, host: '127.0.0.1', threads: 1, ...overrides });
}

export async function start(overrides: Partial<Record<keyof ServeOptions, unknown>> = {}, deps: ServerDeps & { redis?: Redis } = {}): Promise<Running> {
  await import('sharp'); // before any worker, as serve.ts does
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const server = buildServer(testOptions(overrides), { logStream: stream, ...deps });
  const address = await server.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: address,
    server,
    logs: () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
    close: () => server.close(),
  };
}

export interface Sent {
  status: number;
  headers: Headers;
  json: { error?: { code: string; message: string } } & Record<string, unknown>;
  bytes: Uint8Array;
}

/** POST multipart: `files` by field name, plus text fields. */
export async function post(url: string, files: Record<string, Uint8Array>, fields: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Sent> {
  const form = new FormData();
  for (const [name, bytes] of Object.entries(files)) form.append(name, new Blob([new Uint8Array(bytes)]), `${name}.bin`);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const res = await fetch(url, { method: 'POST', body: form, headers });
  return read(res);
}

export async function read(res: Response): Promise<Sent> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  return { status: res.status, headers: res.headers, json: isJson ? JSON.parse(Buffer.from(bytes).toString('utf8')) : {}, bytes };
}

export const SLOW_WORKER = new URL('./slow-worker.mjs', import.meta.url);
