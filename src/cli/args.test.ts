import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args';

describe('parseArgs', () => {
  it('fills defaults and keeps inputs in order', () => {
    const p = parseArgs(['remove', 'a.jpg', 'dir', '--out', 'o']);
    expect(p.command).toBe('remove');
    if (p.command !== 'remove') return;
    expect(p.inputs).toEqual(['a.jpg', 'dir']);
    expect(p.options).toMatchObject({
      out: 'o',
      threshold: 0.5,
      dilate: 0,
      json: false,
      backend: 'wasm',
      method: 'auto',
      format: 'png',
      name: '{stem}-clean.{ext}',
      maskOut: false,
    });
    expect(p.options.threads).toBeGreaterThanOrEqual(1);
  });

  it('accepts --flag=value, kebab-case booleans and -- before inputs', () => {
    const p = parseArgs(['remove', '--out=o', '--mask-out', '--threshold=0.3', '--quality', '80', '--format', 'jpeg', '--', '--weird-name.png']);
    if (p.command !== 'remove') throw new Error('not remove');
    expect(p.inputs).toEqual(['--weird-name.png']);
    expect(p.options).toMatchObject({ out: 'o', maskOut: true, threshold: 0.3, quality: 80, format: 'jpeg' });
  });

  it('parses detect options and refuses remove-only flags there', () => {
    const p = parseArgs(['detect', 'x.png', '--out', 'm', '--dilate', '4', '--json']);
    expect(p).toMatchObject({ command: 'detect', options: { dilate: 4, json: true } });
    expect(() => parseArgs(['detect', 'x.png', '--out', 'm', '--mask', 'k.png'])).toThrow(/Unknown option "--mask"/);
  });

  it('returns help and version', () => {
    expect(parseArgs([])).toEqual({ command: 'help', topic: undefined });
    expect(parseArgs(['remove', '--help'])).toEqual({ command: 'help', topic: 'remove' });
    expect(parseArgs(['help', 'detect'])).toEqual({ command: 'help', topic: 'detect' });
    expect(parseArgs(['--version'])).toEqual({ command: 'version' });
  });

  it.each([
    [['frobnicate', 'x'], /Unknown command/],
    [['remove', 'x'], /--out/],
    [['remove', '--out', 'o'], /No inputs/],
    [['remove', 'x', '--out', 'o', '--bogus'], /Unknown option "--bogus"/],
    [['remove', 'x', '--out'], /needs a value/],
    [['remove', 'x', '--out', '--json'], /needs a value/],
    [['remove', 'x', '--out', 'o', '--out', 'p'], /twice/],
    [['remove', 'x', '--out', 'o', '--json=yes'], /takes no value/],
    [['remove', 'x', '--out', 'o', '--threshold', '1.5'], /Invalid --threshold "1.5"/],
    [['remove', 'x', '--out', 'o', '--threshold', 'high'], /Invalid --threshold/],
    [['remove', 'x', '--out', 'o', '--dilate', '-3'], /Invalid --dilate/],
    [['remove', 'x', '--out', 'o', '--quality', '101'], /Invalid --quality/],
    [['remove', 'x', '--out', 'o', '--threads', '0'], /Invalid --threads/],
    [['remove', 'x', '--out', 'o', '--method', 'magic'], /Invalid --method/],
    [['remove', 'x', '--out', 'o', '--backend', 'webgpu'], /Invalid --backend/],
    [['remove', 'x', '--out', 'o', '--format', 'gif'], /Invalid --format/],
    [['remove', 'x', '--out', 'o', '--name', 'fixed.png'], /\{stem\} or \{name\}/],
    [['remove', 'x', '--out', 'o', '--name', 'sub/{stem}.png'], /path separator/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
