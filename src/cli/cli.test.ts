/**
 * End-to-end tests of `unmark` as a subprocess, on fixtures made by sharp in a
 * temp folder. Most runs use --mask + telea (no model, fast); one detect and
 * one auto-detect run use the real detector from public/models.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mask, RgbaImage } from '../engine/types';
import { decodeMask, decodeRgba } from '../platform/node/codec';
import { DEFAULT_MODELS_DIR } from '../platform/node/paths';
import { makeNotAnImage, makeTruncatedJpeg, makeWatermarked, runCli } from './fixtures';
import type { FileRecord } from './process-file';

let dir: string;

function ortNodeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('onnxruntime-node');
    return true;
  } catch {
    return false;
  }
}
const inputHashes = new Map<string, string>();

const sha = async (f: string) => createHash('sha256').update(await readFile(f)).digest('hex');
const rgbaOf = async (f: string): Promise<RgbaImage> => decodeRgba(await readFile(f), 1e9);
const maskOf = async (f: string): Promise<Mask> => decodeMask(await readFile(f), 1e9);
const records = (stdout: string): FileRecord[] =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FileRecord);
const at = (...p: string[]) => path.join(dir, ...p);

/** Pixels with mask == 0 are bit-identical (RGBA); returns the share of mask > 0 pixels that changed. */
function checkInvariant(input: RgbaImage, output: RgbaImage, mask: Mask): number {
  expect([output.width, output.height]).toEqual([input.width, input.height]);
  expect([mask.width, mask.height]).toEqual([input.width, input.height]);
  let outsideDiff = 0;
  let inside = 0;
  let insideChanged = 0;
  for (let i = 0; i < mask.data.length; i++) {
    const o = i * 4;
    const same =
      input.data[o] === output.data[o] &&
      input.data[o + 1] === output.data[o + 1] &&
      input.data[o + 2] === output.data[o + 2] &&
      input.data[o + 3] === output.data[o + 3];
    if (mask.data[i] === 0) {
      if (!same) outsideDiff++;
    } else {
      inside++;
      if (!same) insideChanged++;
    }
  }
  expect(outsideDiff).toBe(0);
  expect(inside).toBeGreaterThan(0);
  return insideChanged / inside;
}

/** Share of `truth` pixels that `pred` also marks. */
function coverage(pred: Mask, truth: Mask): number {
  let hit = 0;
  let total = 0;
  for (let i = 0; i < truth.data.length; i++) {
    if (truth.data[i] === 0) continue;
    total++;
    if (pred.data[i] > 0) hit++;
  }
  return hit / total;
}

/** Share of mask > 0 pixels whose RGB differs between a and b. */
function changedShare(a: RgbaImage, b: RgbaImage, mask: Mask): number {
  let n = 0;
  let changed = 0;
  for (let i = 0; i < mask.data.length; i++) {
    if (mask.data[i] === 0) continue;
    n++;
    const o = i * 4;
    if (a.data[o] !== b.data[o] || a.data[o + 1] !== b.data[o + 1] || a.data[o + 2] !== b.data[o + 2]) changed++;
  }
  return changed / n;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'unmark-cli-'));
  await makeWatermarked(at('in', 'a.png'), at('masks', 'a.png'));
  await makeWatermarked(at('in', 'sub', 'b.jpg'), at('masks', 'sub', 'b.png'), { format: 'jpeg', seed: 2, text: 'DEMO' });
  await makeWatermarked(at('in', 'sub', 'deeper', 'c.webp'), at('masks', 'sub', 'deeper', 'c.png'), { format: 'webp', seed: 3, width: 320, height: 200 });
  // Small ones for the detector runs, which dominate the test time on a busy 2-core machine.
  await makeWatermarked(at('small', 's.png'), at('masks', 's.png'), { width: 400, height: 300, text: 'PROOF' });
  await makeWatermarked(at('small', 't.jpg'), at('masks', 't.png'), { width: 400, height: 300, format: 'jpeg', seed: 4, text: 'STOCK' });
  await makeNotAnImage(at('in', 'bad.png'));
  await makeTruncatedJpeg(at('in', 'trunc.jpg'));
  for (const f of ['in/a.png', 'in/sub/b.jpg', 'in/sub/deeper/c.webp', 'in/bad.png', 'in/trunc.jpg', 'small/s.png', 'small/t.jpg']) {
    inputHashes.set(f, await sha(at(f)));
  }
}, 60_000);

afterAll(async () => {
  // Whatever ran, no input was touched.
  for (const [f, h] of inputHashes) expect(await sha(at(f)), f).toBe(h);
  await rm(dir, { recursive: true, force: true });
});

describe('unmark remove with --mask (telea)', () => {
  it('processes a folder recursively, mirrors paths, keeps going past bad files and exits 1', async () => {
    const r = await runCli(['remove', 'in', '--mask', 'masks', '--method', 'telea', '--out', 'out', '--json'], dir);
    expect(r.code, r.stderr).toBe(1);
    const recs = records(r.stdout);
    expect(recs.map((x) => [x.file, x.status, x.error?.code])).toEqual([
      ['in/a.png', 'ok', undefined],
      ['in/bad.png', 'failed', 'E_UNSUPPORTED_FORMAT'],
      ['in/sub/b.jpg', 'ok', undefined],
      ['in/sub/deeper/c.webp', 'ok', undefined],
      ['in/trunc.jpg', 'failed', 'E_TRUNCATED'],
    ]);
    const ok = recs.filter((x) => x.status === 'ok');
    for (const rec of ok) {
      expect(rec.method).toBe('telea');
      expect(rec.timings.decode).toBeGreaterThanOrEqual(0);
      expect(rec.timings.remove).toBeGreaterThan(0);
      expect(rec.timings.encode).toBeGreaterThan(0);
      expect(rec.error).toBeUndefined();
    }
    expect(ok.map((x) => x.output)).toEqual(['out/a-clean.png', 'out/sub/b-clean.png', 'out/sub/deeper/c-clean.png']);
    expect(await readdir(at('out'))).toEqual(['a-clean.png', 'sub']);

    for (const [input, mask, output] of [
      ['in/a.png', 'masks/a.png', 'out/a-clean.png'],
      ['in/sub/b.jpg', 'masks/sub/b.png', 'out/sub/b-clean.png'],
      ['in/sub/deeper/c.webp', 'masks/sub/deeper/c.png', 'out/sub/deeper/c-clean.png'],
    ]) {
      const changed = checkInvariant(await rgbaOf(at(input)), await rgbaOf(at(output)), await maskOf(at(mask)));
      expect(changed, output).toBeGreaterThan(0.5);
    }
    expect(r.stderr).toMatch(/3 done, 2 failed/);
  });

  it('takes a glob and one mask file for every input, writes lossless WebP, exits 0', async () => {
    const r = await runCli(['remove', 'in/**/a.png', '--mask', 'masks/a.png', '--method', 'telea', '--out', 'glob', '--format', 'webp', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const [rec] = records(r.stdout);
    expect(rec).toMatchObject({ file: 'in/a.png', output: 'glob/a-clean.webp', status: 'ok', width: 640, height: 480 });
    checkInvariant(await rgbaOf(at('in/a.png')), await rgbaOf(at('glob/a-clean.webp')), await maskOf(at('masks/a.png')));
  });

  it('warns that JPEG output is lossy and honours --name and --format same', async () => {
    const r = await runCli(['remove', 'in/sub/b.jpg', '--mask', 'masks/sub/b.png', '--method', 'telea', '--out', 'jpg', '--format', 'same', '--name', 'x-{stem}.{ext}'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/lossy/);
    expect(r.stdout).toBe('');
    const out = await rgbaOf(at('jpg/x-b.jpg'));
    expect([out.width, out.height]).toEqual([640, 480]);
  });

  it('applies configurable limits: an image over --max-megapixels fails with its code, the rest go on', async () => {
    // a.png is 640×480 = 0.31 MP.
    const r = await runCli(['remove', 'in/a.png', '--mask', 'masks/a.png', '--method', 'telea', '--out', 'lim', '--max-megapixels', '0.3', '--json'], dir);
    expect(r.code).toBe(1);
    expect(records(r.stdout)[0].error?.code).toBe('E_DIMENSIONS_TOO_LARGE');
    const ok = await runCli(['remove', 'in/a.png', '--mask', 'masks/a.png', '--method', 'telea', '--out', 'lim2', '--max-megapixels', '0.4', '--max-mb', '1', '--json'], dir);
    expect(ok.code, ok.stderr).toBe(0);
    const bad = await runCli(['remove', 'in/a.png', '--out', 'lim3', '--max-mb', '-1'], dir);
    expect(bad.code).toBe(2);
  });

  it('reports a missing mask and a mask of the wrong size per file', async () => {
    await mkdir(at('badmasks'), { recursive: true });
    await copyFile(at('masks/sub/deeper/c.png'), at('badmasks/a.png')); // 320×200 for a 640×480 image
    const r = await runCli(['remove', 'in/a.png', 'in/sub/b.jpg', '--mask', 'badmasks', '--method', 'telea', '--out', 'bm', '--json'], dir);
    expect(r.code).toBe(1);
    expect(records(r.stdout).map((x) => x.error?.code)).toEqual(['E_MASK_MISMATCH', 'E_BAD_OPTION']);
  });
});

describe('EXIF orientation', () => {
  it('applies it before processing, as the browser does, so masks are in display orientation', async () => {
    // Stored 320×200 with orientation 6 (rotate 90° clockwise to display): displayed 200×320.
    const stored = await rgbaOf(at('in/sub/deeper/c.webp'));
    await mkdir(at('exif'), { recursive: true });
    await sharp(Buffer.from(stored.data.buffer, stored.data.byteOffset, stored.data.byteLength), { raw: { width: 320, height: 200, channels: 4 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toFile(at('exif/r.jpg'));
    await sharp(await readFile(at('masks/sub/deeper/c.png'))).rotate(90).png().toFile(at('exif/r-mask.png'));
    const r = await runCli(['remove', 'exif/r.jpg', '--mask', 'exif/r-mask.png', '--method', 'telea', '--out', 'exif-out', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(records(r.stdout)[0]).toMatchObject({ width: 200, height: 320 });
    const changed = checkInvariant(await rgbaOf(at('exif/r.jpg')), await rgbaOf(at('exif-out/r-clean.png')), await maskOf(at('exif/r-mask.png')));
    expect(changed).toBeGreaterThan(0.5);
  });
});

describe('unmark usage errors (exit 2, nothing written)', () => {
  // The full matrix of usage errors is unit-tested in args.test.ts and outputs.test.ts; these check the exit code end to end.
  it.each([
    [['remove', 'in', '--out', 'o', '--threshold', '2'], /--threshold/],
    // Same folder, same name: the output would be the input.
    [['remove', 'in', '--out', 'in', '--name', '{name}', '--method', 'telea'], /overwrite an input/],
  ])('%j', async (args, message) => {
    const r = await runCli(args, dir);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    await expect(readdir(at('o'))).rejects.toThrow();
  });
});

describe('unmark with the real detector', () => {
  it('detect writes masks that remove --mask reads back', async () => {
    const d = await runCli(['detect', 'small/s.png', '--out', 'detected', '--json'], dir);
    expect(d.code, d.stderr).toBe(0);
    const recs = records(d.stdout);
    expect(recs.map((x) => x.output)).toEqual(['detected/s.png']);
    for (const rec of recs) {
      expect(rec.backend).toBe('wasm');
      expect(rec.detections.length).toBeGreaterThan(0);
      expect(['text', 'logo', 'pattern']).toContain(rec.detections[0].kind);
      expect(rec.detections[0].confidence).toBeGreaterThan(0.5);
      expect(rec.timings.detect).toBeGreaterThan(0);
    }
    // The predicted mask covers most of where the text really is.
    expect(coverage(await maskOf(at('detected/s.png')), await maskOf(at('masks/s.png')))).toBeGreaterThan(0.6);

    const r = await runCli(['remove', 'small/s.png', '--mask', 'detected', '--method', 'telea', '--out', 'roundtrip'], dir);
    expect(r.code, r.stderr).toBe(0);
    checkInvariant(await rgbaOf(at('small/s.png')), await rgbaOf(at('roundtrip/s-clean.png')), await maskOf(at('detected/s.png')));
  }, 120_000);

  it('remove without --mask detects, writes --mask-out, and keeps unmasked pixels', async () => {
    // Telea, so that the check below is about the pipeline, not about how well a model is trained.
    const r = await runCli(['remove', 'small/t.jpg', '--out', 'auto', '--mask-out', '--method', 'telea', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const [rec] = records(r.stdout);
    expect(rec).toMatchObject({ status: 'ok', output: 'auto/t-clean.png', maskOutput: 'auto/t-mask.png', backend: 'wasm', method: 'telea' });
    expect(rec.detections.length).toBeGreaterThan(0);
    const input = await rgbaOf(at('small/t.jpg'));
    const output = await rgbaOf(at('auto/t-clean.png'));
    const predicted = await maskOf(at('auto/t-mask.png'));
    checkInvariant(input, output, predicted);
    // Where the mark really is (and was detected), the pixels were replaced.
    const truth = await maskOf(at('masks/t.png'));
    expect(coverage(predicted, truth)).toBeGreaterThan(0.6);
    expect(changedShare(input, output, truth)).toBeGreaterThan(0.5);
  }, 120_000);

  it('auto picks the learned remover only when the manifest recommends it', async () => {
    const manifest = JSON.parse(await readFile(path.join(DEFAULT_MODELS_DIR, 'manifest.json'), 'utf8')) as {
      models: { role: string; recommended?: boolean }[];
    };
    const recommended = manifest.models.some((m) => m.role === 'remover' && m.recommended !== false);
    const r = await runCli(['remove', 'small/s.png', '--mask', 'masks/s.png', '--out', 'auto', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const rec = records(r.stdout)[0];
    // Without a recommended model, each region is routed to Telea or the patch fill, and says which.
    expect(rec.method).toBe(recommended ? 'model' : 'auto');
    if (!recommended) expect(rec.regions?.every((g) => ['inpaint', 'patch', 'one-colour'].includes(g.method))).toBe(true);
  }, 120_000);

  it('removes with the learned remover when the manifest has one, else says it is missing', async () => {
    const manifest = JSON.parse(await readFile(path.join(DEFAULT_MODELS_DIR, 'manifest.json'), 'utf8')) as { models: { role: string }[] };
    const hasRemover = manifest.models.some((m) => m.role === 'remover');
    const r = await runCli(['remove', 'small/s.png', '--mask', 'masks/s.png', '--method', 'model', '--out', 'model', '--json'], dir);
    const [rec] = records(r.stdout);
    if (!hasRemover) {
      expect(r.code).toBe(1);
      expect(rec.error?.code).toBe('E_MODEL_MISSING');
      return;
    }
    expect(r.code, r.stderr).toBe(0);
    expect(rec).toMatchObject({ status: 'ok', method: 'model', backend: 'wasm', output: 'model/s-clean.png' });
    expect(rec.tiles).toBeGreaterThan(0);
    checkInvariant(await rgbaOf(at('small/s.png')), await rgbaOf(at('model/s-clean.png')), await maskOf(at('masks/s.png')));
  }, 120_000);

  it.skipIf(ortNodeInstalled())('explains how to install onnxruntime-node when --backend node-cpu lacks it', async () => {
    const r = await runCli(['detect', 'small/s.png', '--out', 'nodecpu', '--backend', 'node-cpu', '--json'], dir);
    expect(r.code).toBe(1);
    const [rec] = records(r.stdout);
    expect(rec.error?.code).toBe('E_BACKEND_INIT');
    expect(rec.error?.message).toContain('ONNXRUNTIME_NODE_INSTALL=skip npm i --no-save onnxruntime-node');
  });

  it('refuses a model whose sha256 does not match the manifest', async () => {
    const models = at('tampered-models');
    await mkdir(models, { recursive: true });
    const manifest = JSON.parse(await readFile(path.join(DEFAULT_MODELS_DIR, 'manifest.json'), 'utf8')) as {
      models: { file: string; sha256: string }[];
    };
    for (const m of manifest.models) {
      await copyFile(path.join(DEFAULT_MODELS_DIR, m.file), path.join(models, m.file));
      m.sha256 = '0'.repeat(64);
    }
    await writeFile(path.join(models, 'manifest.json'), JSON.stringify(manifest));
    const r = await runCli(['detect', 'small/s.png', 'small/t.jpg', '--out', 'tampered', '--models', models, '--json'], dir);
    expect(r.code).toBe(1);
    expect(records(r.stdout).map((x) => x.error?.code)).toEqual(['E_MODEL_HASH_MISMATCH', 'E_MODEL_HASH_MISMATCH']);
  });
});
