import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServeArgs, readApiKeys, type ServeOptions } from './options';

const options = (argv: string[], env: NodeJS.ProcessEnv = {}): ServeOptions => {
  const parsed = parseServeArgs(argv, env);
  if (parsed.help) throw new Error('help');
  return parsed.options;
};

describe('unmark serve options', () => {
  it("has the seed's defaults", () => {
    expect(options([])).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      limitAnonymous: { points: 100, seconds: 3600 },
      limitAuthenticated: { points: 1000, seconds: 3600 },
      burst: 10,
      maxConcurrent: 10,
      timeout: 300,
    });
  });

  it('reads the environment, and a flag wins over it', () => {
    const env = { UNMARK_PORT: '9000', UNMARK_LIMIT_ANONYMOUS: '5/60', UNMARK_MAX_CONCURRENT: '3' };
    expect(options([], env)).toMatchObject({ port: 9000, limitAnonymous: { points: 5, seconds: 60 }, maxConcurrent: 3 });
    expect(options(['--port', '9001'], env).port).toBe(9001);
  });

  it.each([
    [['--port', '70000'], /--port "70000"/],
    [['--limit-anonymous', '100'], /--limit-anonymous "100".*N\/SECONDS/],
    [['--limit-authenticated', '0/60'], /--limit-authenticated/],
    [['--burst', '150'], /--burst/],
    [['--max-concurrent', '0'], /--max-concurrent/],
    [['--timeout', 'soon'], /--timeout/],
    [['--redis', 'localhost:6379'], /--redis.*redis:\/\//],
    [['--backend', 'gpu'], /--backend/],
    [['--trust-proxy', 'my proxy'], /--trust-proxy/],
    [['--nope', '1'], /Unknown option "--nope"/],
    [['photo.jpg'], /takes no inputs/],
  ])('refuses %j with a message that names the flag', (argv, message) => {
    expect(() => parseServeArgs(argv, {})).toThrow(message);
  });

  it('refuses a bad value from the environment too', () => {
    expect(() => parseServeArgs([], { UNMARK_TIMEOUT: '-1' })).toThrow(/--timeout/);
  });

  it('reads API keys, and refuses a missing, empty or weak key file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'unmark-keys-'));
    try {
      const file = (name: string, text: string) => writeFile(path.join(dir, name), text).then(() => path.join(dir, name));
      expect([...readApiKeys(await file('ok', '# comment\nabcdefghijklmnop1 # shop\n\nqrstuvwxyz0123456\n'))]).toEqual(['abcdefghijklmnop1', 'qrstuvwxyz0123456']);
      expect(() => readApiKeys(path.join(dir, 'missing'))).toThrow(/ENOENT/);
      const empty = await file('empty', '# nothing\n');
      expect(() => readApiKeys(empty)).toThrow(/no keys/);
      const weak = await file('weak', 'short\n');
      expect(() => readApiKeys(weak)).toThrow(/at least 16/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
