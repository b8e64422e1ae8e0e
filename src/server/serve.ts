/**
 * `unmark serve`: parse and check every option, connect Redis when asked,
 * start listening, load the models in the background (/readyz says when),
 * and close cleanly on SIGINT/SIGTERM (in-flight requests finish, workers stop).
 */
import type { Redis } from 'ioredis';
import { UsageError } from '../cli/args';
import { EXIT_OK, EXIT_USAGE } from '../cli/exit-codes';
import { parseServeArgs, readApiKeys, SERVE_HELP } from './options';

export async function runServe(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseServeArgs>;
  let apiKeys: Set<string> | undefined;
  try {
    parsed = parseServeArgs(argv);
    if (parsed.help) {
      process.stdout.write(`${SERVE_HELP}\n`);
      return EXIT_OK;
    }
    if (parsed.options.apiKeys) apiKeys = readApiKeys(parsed.options.apiKeys);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`unmark serve: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  const opts = parsed.options;
  // sharp (libvips) must be loaded by the main thread before any worker loads it, or a worker's exit can crash the process.
  await import('sharp');
  const { buildServer } = await import('./app');
  let redis: Redis | undefined;
  if (opts.redis) {
    const { Redis: RedisClient } = await import('ioredis');
    redis = new RedisClient(opts.redis, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    let lastError = '';
    redis.on('error', (e: Error) => (lastError = e.message));
    try {
      await redis.connect();
    } catch (e) {
      process.stderr.write(`unmark serve: cannot reach Redis at --redis ${opts.redis}: ${lastError || (e as Error).message}\n`);
      redis.disconnect();
      return EXIT_USAGE;
    }
  }
  const server = buildServer(opts, { apiKeys, redis });
  // Once running, a lost Redis is logged (at most every 30 s); the limits fall back to this instance's memory meanwhile.
  let warned = 0;
  redis?.on('error', (e: Error) => {
    if (Date.now() - warned < 30_000) return;
    warned = Date.now();
    server.app.log.warn({ err: e.message }, 'Redis unreachable: limits and bans are per instance until it is back');
  });
  try {
    await server.app.listen({ port: opts.port, host: opts.host });
  } catch (e) {
    process.stderr.write(`unmark serve: cannot listen on ${opts.host}:${opts.port}: ${(e as Error).message}\n`);
    await server.close();
    redis?.disconnect();
    return EXIT_USAGE;
  }
  void server.warm().then((r) => {
    if (r.ready) server.app.log.info({ models: r.models.map((m) => m.id) }, 'models loaded: ready');
    else server.app.log.error({ errors: r.errors }, 'models did not load: /readyz stays 503');
  });
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      server.app.log.info({ signal }, 'shutting down');
      void server.close().finally(() => {
        redis?.disconnect();
        resolve(EXIT_OK);
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
