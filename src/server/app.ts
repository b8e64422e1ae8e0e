/**
 * Builds the server: fastify with pino logs, the worker pool, and the /v1
 * routes inside one encapsulated plugin that adds multipart, the rate limits
 * and the in-flight gauge; /healthz, /readyz and /metrics stay outside it, so
 * neither limits nor a busy pool ever stall a health check.
 */
import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import multipart from '@fastify/multipart';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { resolveLimits, type Limits } from '../engine/limits';
import { WmError } from '../engine/errors';
import { errorBody, statusOf, toApiError } from './http-errors';
import { ServerMetrics } from './metrics';
import type { ServeOptions } from './options';
import { WorkerPool } from './pool';
import type { ModelInfo } from './protocol';
import { RateLimits, type Tier } from './rate-limit';
import { registerRoutes } from './routes';

export interface ServerDeps {
  /** API keys of the authenticated tier (read from --api-keys at start-up). */
  apiKeys?: ReadonlySet<string>;
  /** A connected client when --redis is given: limits and bans are shared through it. */
  redis?: Redis;
  /** Where log lines go (default stdout). */
  logStream?: Writable;
  /** The worker entry; tests swap in a stand-in to make jobs slow on purpose. */
  workerEntry?: URL;
  workerTest?: Record<string, number>;
}

export interface Readiness {
  ready: boolean;
  models: ModelInfo[];
  errors: Array<{ code: string; message: string; modelId?: string }>;
}

export interface UnmarkServer {
  app: FastifyInstance;
  pool: WorkerPool;
  metrics: ServerMetrics;
  /** Loads the models in one worker; resolves when /readyz can say yes (or why not). */
  warm(): Promise<Readiness>;
  close(): Promise<void>;
}

export function serverLimits(o: Pick<ServeOptions, 'maxMb' | 'maxMegapixels' | 'maxSide'>): Limits {
  return resolveLimits({
    ...(o.maxMb !== undefined ? { maxBytes: Math.round(o.maxMb * 1024 * 1024) } : {}),
    ...(o.maxMegapixels !== undefined ? { maxPixels: Math.round(o.maxMegapixels * 1e6) } : {}),
    ...(o.maxSide !== undefined ? { maxWidth: o.maxSide, maxHeight: o.maxSide } : {}),
  });
}

function apiKeyOf(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  const key = request.headers['x-api-key'];
  return typeof key === 'string' ? key.trim() : undefined;
}

export function buildServer(opts: ServeOptions, deps: ServerDeps = {}): UnmarkServer {
  const limits = serverLimits(opts);
  const logger = pino({ level: opts.logLevel, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, deps.logStream ?? process.stdout);
  const app = Fastify({
    // Typed as fastify's logger interface, so the app is a plain FastifyInstance for the routes.
    loggerInstance: logger as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    // One line per request, written in onResponse with the fields below; fastify's two would repeat it.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    return503OnClosing: true,
    // Behind a proxy, the client is whoever it says in X-Forwarded-For, but only when the proxy is one we know.
    ...(opts.trustProxy ? { trustProxy: opts.trustProxy } : {}),
  });
  const pool = new WorkerPool({
    size: opts.maxConcurrent,
    queue: opts.queue,
    queueTimeoutMs: opts.queueTimeout * 1000,
    timeoutMs: opts.timeout * 1000,
    idleMs: opts.idle * 1000,
    entry: deps.workerEntry ?? new URL('./worker-entry.mjs', import.meta.url),
    config: { backend: opts.backend, threads: opts.threads, limits, modelsDir: opts.models, test: deps.workerTest },
  });
  const metrics = new ServerMetrics(() => pool.stats);
  const rateLimits = new RateLimits(opts, deps.redis);
  let readiness: Readiness = { ready: false, models: [], errors: [] };

  app.decorateRequest('unmark', null as unknown as FastifyRequest['unmark']);
  app.addHook('onRequest', async (request, reply) => {
    request.unmark = {};
    void reply.header('X-Request-Id', request.id);
  });

  app.setErrorHandler(async (error, request, reply) => {
    const e = toApiError(error);
    request.unmark.errorCode = e.code;
    metrics.errors.inc({ type: e.category, code: e.code });
    if (statusOf(e.code) >= 500 && e.code !== 'E_BUSY' && e.code !== 'E_TIMEOUT') request.log.error({ err: error }, 'request failed');
    return reply.status(statusOf(e.code)).send(errorBody(e));
  });
  app.setNotFoundHandler(async (request) => {
    throw new WmError('E_NOT_FOUND', `No ${request.method} ${request.url.split('?')[0]} here; see GET /healthz, POST /v1/detect, POST /v1/remove.`);
  });

  app.addHook('onResponse', async (request, reply) => {
    const info = request.unmark;
    const route = request.routeOptions.url ?? 'unknown';
    metrics.requests.inc({ route, status: String(reply.statusCode) });
    if (!route.startsWith('/v1/') && reply.statusCode < 400) return; // probes and scrapes are not news
    request.log.info({
      ip: request.ip,
      method: request.method,
      route,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
      tier: info.tier,
      image_bytes: info.imageBytes,
      mask_bytes: info.maskBytes,
      width: info.record?.width,
      height: info.record?.height,
      queue_ms: info.queueMs,
      timings: info.record?.timings,
      error: info.errorCode,
    }, 'request');
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => reply.status(readiness.ready ? 200 : 503).send({ status: readiness.ready ? 'ready' : 'not ready', ...readiness }));
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  void app.register(async (api) => {
    await api.register(multipart, {
      limits: { fileSize: limits.maxBytes, files: 2, fields: 8, fieldSize: 1024, parts: 10 },
    });
    api.addHook('onRequest', async (request, reply) => {
      const key = apiKeyOf(request);
      let tier: Tier = 'anonymous';
      if (key !== undefined && deps.apiKeys?.has(key)) tier = 'authenticated';
      request.unmark.tier = tier;
      // A wrong key spends an anonymous request first, so guessing keys is as limited (and bannable) as anything else.
      const verdict = await rateLimits.consume(request.ip, tier);
      if (!verdict.allowed) {
        void reply.header('Retry-After', String(verdict.retryAfterS));
        throw new WmError(
          'E_RATE_LIMITED',
          verdict.banned
            ? `Too many refused requests from this address: banned for ${verdict.retryAfterS} s.`
            : `Rate limit reached (${verdict.limit} per window for ${tier} clients); retry in ${verdict.retryAfterS} s.`,
        );
      }
      if (key !== undefined && tier === 'anonymous') throw new WmError('E_UNAUTHORIZED', 'This API key is not known here.');
      void reply.header('X-RateLimit-Limit', String(verdict.limit));
      void reply.header('X-RateLimit-Remaining', String(verdict.remaining));
      void reply.header('X-RateLimit-Reset', String(verdict.resetS));
      metrics.concurrent.inc();
      // 'close' fires however the exchange ends, a client that hung up included (onResponse would not).
      reply.raw.once('close', () => metrics.concurrent.dec());
    });
    registerRoutes(api, { pool, metrics, limits });
  });

  return {
    app,
    pool,
    metrics,
    async warm() {
      try {
        const result = await pool.run({ kind: 'warm' });
        if (result.kind !== 'warm') throw new WmError('E_PROCESSING', 'The worker answered another job.');
        metrics.models(result.models);
        const errors = result.errors.map((e) => ({ code: e.code, message: e.message, modelId: e.modelId }));
        readiness = { ready: result.models.some((m) => m.role === 'detector'), models: result.models, errors };
      } catch (e) {
        const err = toApiError(e);
        readiness = { ready: false, models: [], errors: [{ code: err.code, message: err.message }] };
      }
      return readiness;
    },
    async close() {
      await app.close();
      await pool.close();
    },
  };
}
