/**
 * The real server on loopback with the real worker and models: detect and
 * remove, every bad upload of the hostile corpus (e2e/corpus/hostile.ts),
 * health, readiness, metrics and what the logs say (and do not say).
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHostileCorpus } from '../../e2e/corpus/hostile';
import { decodeRgba } from '../platform/node/codec';
import { post, start, type Running } from './testing/harness';

let s: Running;
const fixture = (name: string) => readFile(new URL(`../../e2e/fixtures/${name}`, import.meta.url));

beforeAll(async () => {
  // Limits high enough that 30-odd uploads from one address are never refused here.
  s = await start({ maxConcurrent: 2, limitAnonymous: '1000/60' });
}, 30_000);
afterAll(() => s.close());

describe('serve: health and readiness', () => {
  it('is healthy at once, and ready once the models are loaded', async () => {
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    const before = await fetch(`${s.url}/readyz`);
    expect(before.status).toBe(503);
    const readiness = await s.server.warm();
    expect(readiness.ready, JSON.stringify(readiness.errors)).toBe(true);
    const after = await fetch(`${s.url}/readyz`);
    expect(after.status).toBe(200);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/^ml_model_parameters\{model="wm-detector"\} 162901$/m);
    expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m);
  }, 30_000);
});

describe('serve: detect and remove', () => {
  it('detects the text mark: regions with kind, confidence, box and verdict, a PNG mask, timings', async () => {
    const r = await post(`${s.url}/v1/detect`, { image: await fixture('photo-text.jpg') }, { threshold: '0.5' });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const regions = r.json.regions as Array<{ kind: string; confidence: number; box: { x: number; y: number; width: number; height: number }; verdict: string }>;
    const text = regions.find((g) => g.kind === 'text' && g.box.width > 300);
    expect(text, JSON.stringify(regions)).toBeDefined();
    expect(text!.confidence).toBeGreaterThan(0.5);
    expect(['overlay', 'opaque-mark', 'content']).toContain(text!.verdict);
    const mask = Buffer.from(String(r.json.mask).replace(/^data:image\/png;base64,/, ''), 'base64');
    const meta = await sharp(mask).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 1024, 768]);
    expect(r.json.timings).toMatchObject({ decode: expect.any(Number), detect: expect.any(Number), total: expect.any(Number) });

    const log = s.logs().find((l) => l.request_id === r.headers.get('x-request-id'));
    expect(log).toMatchObject({ ip: '127.0.0.1', route: '/v1/detect', status: 200, image_bytes: expect.any(Number), width: 1024 });
    expect((log!.timings as Record<string, number>).detect).toBeGreaterThan(0);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/^engine_detection_time_ms_count [1-9]/m);
  }, 60_000);

  it('removes what it detects, and with a supplied mask changes no pixel outside it', async () => {
    const detected = await post(`${s.url}/v1/remove`, { image: await fixture('photo-text.jpg') });
    expect(detected.status, JSON.stringify(detected.json)).toBe(200);
    expect(detected.headers.get('content-type')).toBe('image/png');
    expect(JSON.parse(detected.headers.get('x-unmark-summary') ?? '{}').changedPixels).toBeGreaterThan(1000);

    const png = await fixture('photo-text.png');
    const input = await decodeRgba(png, 1e9);
    const maskRaw = Buffer.alloc(input.width * input.height);
    const { width: w, height: h } = input;
    for (let y = Math.floor(h / 2); y < Math.floor((2 * h) / 3); y++) maskRaw.fill(255, y * w + Math.floor(w / 4), y * w + Math.floor((3 * w) / 4));
    const mask = await sharp(maskRaw, { raw: { width: input.width, height: input.height, channels: 1 } }).png().toBuffer();
    const r = await post(`${s.url}/v1/remove`, { image: png, mask }, { method: 'telea', format: 'same' });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/png');
    const output = await decodeRgba(r.bytes, 1e9);
    let changedOutside = 0;
    let changedInside = 0;
    for (let p = 0; p < maskRaw.length; p++) {
      const differs = [0, 1, 2, 3].some((k) => input.data[p * 4 + k] !== output.data[p * 4 + k]);
      if (differs && maskRaw[p] === 0) changedOutside++;
      if (differs && maskRaw[p] !== 0) changedInside++;
    }
    expect(changedOutside).toBe(0);
    expect(changedInside).toBeGreaterThan(100);
  }, 60_000);

  it('answers format=same with the input format, and refuses a mask that is not a PNG', async () => {
    const jpeg = await fixture('photo-text.jpg');
    const same = await post(`${s.url}/v1/remove`, { image: jpeg }, { format: 'same', method: 'telea' });
    expect(same.status, JSON.stringify(same.json)).toBe(200);
    expect(same.headers.get('content-type')).toBe('image/jpeg');
    const badMask = await post(`${s.url}/v1/remove`, { image: jpeg, mask: jpeg });
    expect([badMask.status, badMask.json.error?.code]).toEqual([415, 'E_UNSUPPORTED_FORMAT']);
  }, 60_000);
});

describe('serve: bad uploads', () => {
  // Written out, not computed from http-errors.ts, so a changed mapping fails here.
  const STATUS: Record<string, number> = {
    E_EMPTY_FILE: 400,
    E_DIMENSIONS_TOO_LARGE: 413,
    E_UNSUPPORTED_FORMAT: 415,
    E_TRUNCATED: 422,
    E_DECODE_FAILED: 422,
    E_ANIMATED: 422,
  };

  it('refuses each bad file of the hostile corpus with its code and status, and stays healthy', async () => {
    const bad = (await makeHostileCorpus()).filter((c) => !c.expect.ok);
    expect(bad.length).toBeGreaterThanOrEqual(20);
    const mismatches: string[] = [];
    for (const c of bad) {
      const want = c.expect.ok ? '' : c.expect.code;
      const r = await post(`${s.url}/v1/detect`, { image: c.bytes });
      const got = `${r.status} ${r.json.error?.code ?? '(no code)'}`;
      if (got !== `${STATUS[want]} ${want}`) mismatches.push(`${c.name} (${c.why}): got ${got}, want ${STATUS[want]} ${want}`);
      expect(typeof r.json.error?.message).toBe('string');
    }
    expect(mismatches).toEqual([]);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect(s.server.pool.stats.busy).toBe(0);
    const good = await post(`${s.url}/v1/detect`, { image: await fixture('photo-clean.png') });
    expect(good.status).toBe(200);
  }, 60_000);

  it('refuses what is not an upload: no multipart, no image, unknown fields, bad options, unknown paths', async () => {
    const notMultipart = await fetch(`${s.url}/v1/detect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect([notMultipart.status, ((await notMultipart.json()) as { error: { code: string } }).error.code]).toEqual([415, 'E_UNSUPPORTED_FORMAT']);
    const png = await fixture('photo-clean.png');
    const cases: Array<[Promise<{ status: number; json: { error?: { code: string } } }>, number, string]> = [
      [post(`${s.url}/v1/detect`, {}, { threshold: '0.5' }), 400, 'E_BAD_OPTION'],
      [post(`${s.url}/v1/detect`, { image: png }, { threshold: 'high' }), 400, 'E_BAD_OPTION'],
      [post(`${s.url}/v1/remove`, { image: png }, { method: 'magic' }), 400, 'E_BAD_OPTION'],
      [post(`${s.url}/v1/remove`, { image: png }, { colour: 'red' }), 400, 'E_BAD_OPTION'],
      [post(`${s.url}/v1/detect`, { picture: png }), 400, 'E_BAD_OPTION'],
    ];
    for (const [res, status, code] of cases) {
      const r = await res;
      expect([r.status, r.json.error?.code]).toEqual([status, code]);
    }
    const missing = await fetch(`${s.url}/v2/remove`);
    expect(missing.status).toBe(404);
  }, 30_000);

  it('refuses an upload over --max-mb with 413 before the worker sees it', async () => {
    const small = await start({ maxMb: 0.01 });
    try {
      const r = await post(`${small.url}/v1/detect`, { image: await fixture('photo-text.jpg') });
      expect([r.status, r.json.error?.code]).toEqual([413, 'E_FILE_TOO_LARGE']);
      expect(small.server.pool.stats.workers).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('never logs image bytes', async () => {
    const all = JSON.stringify(s.logs());
    const jpeg = await fixture('photo-text.jpg');
    expect(all).not.toContain(jpeg.subarray(200, 230).toString('base64'));
    expect(all).not.toContain('data:image');
  });
});
