import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from './args';
import { compileGlob, expandInputs } from './inputs';
import { applyTemplate, checkOutputName, maskPathFor, planDetect, planRemove } from './outputs';

let dir: string;
const at = (...p: string[]) => path.join(dir, ...p);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'unmark-plan-'));
  for (const f of ['p/a.jpg', 'p/b.PNG', 'p/notes.txt', 'p/sub/c.webp', 'p/sub/deep/d.jpeg', 'p/.hidden/e.jpg', 'q/a.jpg']) {
    await mkdir(path.dirname(at(f)), { recursive: true });
    await writeFile(at(f), 'x');
  }
  await mkdir(at('p/out'), { recursive: true });
  await writeFile(at('p/out/old-clean.png'), 'x');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('expandInputs', () => {
  it('walks folders recursively, images only, sorted, skipping dot-folders and the output folder', () => {
    const files = expandInputs([at('p')], { exclude: [at('p/out')] });
    expect(files.map((f) => f.rel)).toEqual(['a.jpg', 'b.PNG', 'sub/c.webp', 'sub/deep/d.jpeg']);
  });

  it('takes explicit files by their own name, whatever the extension, once', () => {
    const files = expandInputs([at('p/notes.txt'), at('p/a.jpg'), at('p/a.jpg')]);
    expect(files.map((f) => f.rel)).toEqual(['notes.txt', 'a.jpg']);
  });

  it('expands globs relative to their static prefix', () => {
    expect(expandInputs([`${at('p')}/**/*.jp*g`]).map((f) => f.rel)).toEqual(['a.jpg', 'sub/deep/d.jpeg']);
    expect(expandInputs([`${at('p')}/*/c.webp`]).map((f) => f.rel)).toEqual(['sub/c.webp']);
    expect(expandInputs([`${at('p')}/[ab].*`]).map((f) => f.rel)).toEqual(['a.jpg', 'b.PNG']);
    expect(() => expandInputs([`${at('p')}/*.gif`])).toThrow(/No images match/);
    expect(() => expandInputs([at('missing.jpg')])).toThrow(UsageError);
  });

  it('compiles ** to any depth, including none', () => {
    const { matcher } = compileGlob('x/**/*.png');
    expect(['a.png', 'b/a.png', 'b/c/a.png'].map((s) => matcher.test(s))).toEqual([true, true, true]);
    expect(matcher.test('a.jpg')).toBe(false);
    expect(compileGlob('x/y/*.png').base).toBe(path.resolve('x/y'));
  });
});

describe('planning outputs', () => {
  const opts = { format: 'png' as const, name: '{stem}-clean.{ext}', maskOut: false };

  it('mirrors relative paths and applies the name template', () => {
    const plan = planRemove(expandInputs([at('p')], { exclude: [at('p/out')] }), { ...opts, out: at('o'), maskOut: true });
    expect(plan.map((p) => path.relative(dir, p.output))).toEqual(['o/a-clean.png', 'o/b-clean.png', 'o/sub/c-clean.png', 'o/sub/deep/d-clean.png']);
    expect(plan.map((p) => path.relative(dir, p.maskOutput ?? ''))).toEqual(['o/a-mask.png', 'o/b-mask.png', 'o/sub/c-mask.png', 'o/sub/deep/d-mask.png']);
    expect(plan.every((p) => p.format === 'png')).toBe(true);
  });

  it('keeps the input format and extension with --format same', () => {
    const plan = planRemove(expandInputs([at('p')], { exclude: [at('p/out')] }), { ...opts, out: at('o'), format: 'same' });
    expect(plan.map((p) => [path.basename(p.output), p.format])).toEqual([
      ['a-clean.jpg', 'jpeg'],
      ['b-clean.PNG', 'png'],
      ['c-clean.webp', 'webp'],
      ['d-clean.jpeg', 'jpeg'],
    ]);
  });

  it('looks masks up as <mask dir>/<relative path stem>.png', () => {
    expect(maskPathFor('/m', 'sub/deep/d.jpeg')).toBe(path.join('/m', 'sub/deep/d.png'));
    const plan = planRemove(expandInputs([at('p/sub')]), { ...opts, out: at('o'), mask: at('p') });
    expect(plan.map((p) => path.relative(dir, p.maskInput ?? ''))).toEqual(['p/c.png', 'p/deep/d.png']);
    expect(applyTemplate('{name}.{ext}', { stem: 's', ext: 'png', name: 's.jpg' })).toBe('s.jpg.png');
  });

  it('refuses to overwrite an input, even through a symlinked --out', async () => {
    const inputs = expandInputs([at('p')], { exclude: [at('p/out')] });
    expect(() => planRemove(inputs, { ...opts, out: at('p'), name: '{name}' })).toThrow(/overwrite an input/);
    await symlink(at('p'), at('alias'));
    expect(() => planRemove(inputs, { ...opts, out: at('alias'), name: '{stem}.{ext}', format: 'same' })).toThrow(/overwrite an input/);
    // Same folder but a different name is safe.
    expect(planRemove(inputs, { ...opts, out: at('p') })).toHaveLength(4);
    // detect writes <stem>.png: over p/b.PNG only on a case-insensitive disk, but over a .png input here.
    await writeFile(at('q/z.png'), 'x');
    expect(() => planDetect(expandInputs([at('q')]), at('q'))).toThrow(/overwrite an input/);
  });

  it('refuses to overwrite a mask and two inputs writing one output', () => {
    const a = expandInputs([at('p/a.jpg')]);
    expect(() => planRemove(a, { ...opts, out: at('p'), mask: at('p/a.jpg'), name: '{name}' })).toThrow(/overwrite an input/);
    const twins = expandInputs([at('p/a.jpg'), at('q/a.jpg')]);
    expect(() => planRemove(twins, { ...opts, out: at('o') })).toThrow(/same output/);
    expect(() => planRemove(twins, { ...opts, out: at('p/a.jpg') })).toThrow(/not a folder/);
  });
});

describe('outputs stay inside --out (issue 11, item 8)', () => {
  it("refuses a stem of '..' or '.' with --name '{stem}' before anything is written", async () => {
    await mkdir(at('dots'), { recursive: true });
    await writeFile(at('dots/...png'), 'x'); // stem '..'
    await writeFile(at('dots/..png'), 'x'); // stem '.'
    for (const f of ['...png', '..png']) {
      const inputs = expandInputs([at('dots', f)]);
      expect(() => planRemove(inputs, { out: at('dots-out'), format: 'png', name: '{stem}', maskOut: false })).toThrow(/outside --out/);
    }
    // The default name is fine: '..-clean.png' is a file inside --out.
    const ok = planRemove(expandInputs([at('dots/...png')]), { out: at('dots-out'), format: 'png', name: '{stem}-clean.{ext}', maskOut: false });
    expect(path.dirname(ok[0].output)).toBe(at('dots-out'));
  });
});

describe('checkOutputName (issue 11, item 7)', () => {
  it('accepts 255 bytes and refuses 256 with E_OUTPUT_NAME, counting UTF-8 bytes', () => {
    expect(() => checkOutputName(at('o', `${'a'.repeat(251)}.png`))).not.toThrow();
    expect(() => checkOutputName(at('o', `${'a'.repeat(252)}.png`))).toThrow(expect.objectContaining({ code: 'E_OUTPUT_NAME' }));
    // 100 × 'é' is 200 bytes: 60 more ASCII bytes pass the limit although it is 164 characters.
    expect(() => checkOutputName(at('o', `${'é'.repeat(100)}${'a'.repeat(56)}.png`))).toThrow(expect.objectContaining({ code: 'E_OUTPUT_NAME' }));
  });
});
