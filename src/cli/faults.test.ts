/**
 * Faults and hostile files found by the reliability pass (issue 11), run
 * through `unmark` as a subprocess: each test fails on the code before the fix.
 */
import { copyFile, mkdir, mkdtemp, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODELS_DIR } from '../platform/node/paths';
import { makeWatermarked, runCli } from './fixtures';
import type { FileRecord } from './process-file';

let dir: string;
const at = (...p: string[]) => path.join(dir, ...p);
const records = (stdout: string): FileRecord[] =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FileRecord);

/** A sparse file of `bytes` that starts like a PNG: no disk used, and reading it would take seconds. */
async function sparse(file: string, bytes: number): Promise<void> {
  const fh = await open(file, 'w');
  try {
    await fh.write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    await fh.truncate(bytes);
  } finally {
    await fh.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'unmark-faults-'));
  await makeWatermarked(at('in', 'a.png'), at('masks', 'a.png'), { width: 160, height: 120 });
}, 60_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('item 4: the size is checked before the file is read', () => {
  it('refuses 1.5 GB and 3 GB files with E_FILE_TOO_LARGE, quickly', async () => {
    await mkdir(at('big'), { recursive: true });
    await sparse(at('big', 'g15.png'), 1.5 * 1024 ** 3);
    await sparse(at('big', 'g30.png'), 3 * 1024 ** 3);
    const t0 = performance.now();
    const r = await runCli(['remove', 'big', '--mask', 'masks/a.png', '--method', 'telea', '--out', 'big-out', '--json'], dir);
    const ms = performance.now() - t0;
    expect(r.code).toBe(1);
    expect(records(r.stdout).map((x) => [x.file, x.error?.code])).toEqual([
      ['big/g15.png', 'E_FILE_TOO_LARGE'],
      ['big/g30.png', 'E_FILE_TOO_LARGE'],
    ]);
    // Reading 4.5 GB of zeros takes far longer than starting the CLI twice over.
    expect(ms).toBeLessThan(15_000);
    // A mask file is held to the same size limit, also before it is read.
    const m = await runCli(['remove', 'in/a.png', '--mask', 'big/g30.png', '--method', 'telea', '--out', 'big-out', '--json'], dir);
    expect(records(m.stdout)[0].error?.code).toBe('E_FILE_TOO_LARGE');
  }, 60_000);
});

describe('item 7: long names', () => {
  it('writes a 239-character name, and refuses a name too long to write with E_OUTPUT_NAME', async () => {
    const long = `${'n'.repeat(235)}.png`; // 239 characters: the output "<stem>-clean.png" is 245
    const tooLong = `${'m'.repeat(246)}.png`; // 250: the output would be 256 bytes
    await mkdir(at('long'), { recursive: true });
    await copyFile(at('in', 'a.png'), at('long', long));
    await copyFile(at('in', 'a.png'), at('long', tooLong));
    const r = await runCli(['remove', 'long', '--mask', 'masks/a.png', '--method', 'telea', '--out', 'long-out', '--json'], dir);
    expect(r.code).toBe(1);
    const recs = records(r.stdout);
    expect(recs.map((x) => [x.status, x.error?.code])).toEqual([
      ['failed', 'E_OUTPUT_NAME'],
      ['ok', undefined],
    ]);
    // Sorted: 'm…' before 'n…'. Only the one good output, and no temp file left behind.
    expect(await readdir(at('long-out'))).toEqual([`${'n'.repeat(235)}-clean.png`]);
  });
});

describe("item 8: a stem of '..' cannot write outside --out", () => {
  it('is a usage error, nothing is written', async () => {
    await mkdir(at('dots', 'deep'), { recursive: true });
    await copyFile(at('in', 'a.png'), at('dots', 'deep', '...png'));
    const r = await runCli(['remove', 'dots/deep/...png', '--mask', 'masks/a.png', '--method', 'telea', '--out', 'dots/deep/out', '--name', '{stem}', '--json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/outside --out/);
    expect((await readdir(at('dots', 'deep'))).sort()).toEqual(['...png']);
  });
});

describe('item 2: one corrupt model is not silent', () => {
  it('warns in the record and exits 1, or 0 with --allow-missing-models', async () => {
    const models = at('one-corrupt');
    await mkdir(models, { recursive: true });
    for (const f of await readdir(DEFAULT_MODELS_DIR)) await copyFile(path.join(DEFAULT_MODELS_DIR, f), path.join(models, f));
    const onnx = path.join(models, 'ppocr-v4-det.onnx');
    const bytes = await readFile(onnx);
    bytes[bytes.length >> 1] ^= 0x01; // one bit of one byte
    await writeFile(onnx, bytes);
    await makeWatermarked(at('small', 's.png'), at('masks', 's.png'), { width: 400, height: 300, text: 'PROOF' });

    const r = await runCli(['detect', 'small/s.png', '--out', 'det', '--models', models, '--json'], dir);
    expect(r.code, r.stderr).toBe(1);
    const [rec] = records(r.stdout);
    expect(rec.status).toBe('ok'); // the other detector still ran
    expect(rec.warnings).toEqual([expect.objectContaining({ code: 'E_MODEL_HASH_MISMATCH', modelId: 'ppocr-v4-det' })]);
    expect(r.stderr).toMatch(/ppocr-v4-det/);

    const allowed = await runCli(['detect', 'small/s.png', '--out', 'det2', '--models', models, '--json', '--allow-missing-models'], dir);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(records(allowed.stdout)[0].warnings?.[0]?.modelId).toBe('ppocr-v4-det');
  }, 180_000);
});
