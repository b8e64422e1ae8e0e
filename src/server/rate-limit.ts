/**
 * Per-IP limits with rate-limiter-flexible: for each tier a window of N
 * requests per SECONDS plus a burst allowance (BurstyRateLimiter: a second
 * bucket of burst % of N that only refused requests draw on), and bans: every
 * refusal is counted, and `banAfter` refusals within `banWindow` seconds block
 * the IP (in that tier) for `banFor` seconds. In memory by default; with a Redis client the
 * counters and bans live in Redis, so every instance sees the same ones, and
 * an in-memory limiter stands in while Redis is unreachable (insuranceLimiter).
 */
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import type { Rate } from './options';

export type Tier = 'anonymous' | 'authenticated';

export interface RateLimitOptions {
  limitAnonymous: Rate;
  limitAuthenticated: Rate;
  /** Percent of N that may be used on top of it in a window. */
  burst: number;
  /** Refusals that earn a ban; 0 = never ban. */
  banAfter: number;
  banWindow: number;
  banFor: number;
}

export type LimitVerdict =
  | { allowed: true; limit: number; remaining: number; resetS: number }
  | { allowed: false; limit: number; retryAfterS: number; banned: boolean };

interface Bucket {
  limiter: Pick<RateLimiterAbstract, 'consume'>;
  points: number;
}

/** Keys share one Redis with other apps: everything of ours starts with this. */
const PREFIX = 'unmark';

export class RateLimits {
  private readonly tiers: Record<Tier, Bucket>;
  private readonly refusals: RateLimiterAbstract;
  private readonly bans: RateLimiterAbstract;

  constructor(
    private readonly opts: RateLimitOptions,
    redis?: Redis,
  ) {
    const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract => {
      const memory = new RateLimiterMemory({ keyPrefix, points, duration });
      return redis ? new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration, insuranceLimiter: memory }) : memory;
    };
    const bucket = (tier: Tier, rate: Rate): Bucket => {
      const main = make(`${PREFIX}:${tier}`, rate.points, rate.seconds);
      const extra = Math.floor((rate.points * opts.burst) / 100);
      // The burst bucket is only drawn on once the window's N are spent.
      return { points: rate.points, limiter: extra > 0 ? new BurstyRateLimiter(main, make(`${PREFIX}:${tier}:burst`, extra, rate.seconds)) : main };
    };
    this.tiers = { anonymous: bucket('anonymous', opts.limitAnonymous), authenticated: bucket('authenticated', opts.limitAuthenticated) };
    this.refusals = make(`${PREFIX}:refusals`, Math.max(1, opts.banAfter), opts.banWindow);
    this.bans = make(`${PREFIX}:ban`, 1, opts.banFor);
  }

  /** Spends one request of `ip`'s allowance in `tier`. Refusals count towards a ban. */
  async consume(ip: string, tier: Tier): Promise<LimitVerdict> {
    const bucket = this.tiers[tier];
    // Bans are per tier too: a key holder behind the same address (a NAT, an office) is not banned for anonymous abuse.
    const who = `${tier}:${ip}`;
    const ban = await this.bans.get(who);
    // A ban is a record above the points; get() may still return one whose time ran out.
    if (ban && ban.consumedPoints > this.bans.points && ban.msBeforeNext > 0) {
      return { allowed: false, limit: bucket.points, retryAfterS: seconds(ban.msBeforeNext), banned: true };
    }
    try {
      const res = await bucket.limiter.consume(who);
      return { allowed: true, limit: bucket.points, remaining: res.remainingPoints, resetS: seconds(res.msBeforeNext) };
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const refused = { allowed: false as const, limit: bucket.points, retryAfterS: seconds(e.msBeforeNext), banned: false };
      if (this.opts.banAfter === 0) return refused;
      // The banAfter-th refusal within the window earns the ban (consume only rejects past the points).
      const counted = await this.refusals.consume(who).catch((r: unknown) => {
        if (r instanceof RateLimiterRes) return r;
        throw r;
      });
      if (counted.consumedPoints < this.opts.banAfter) return refused;
      await this.refusals.delete(who);
      await this.bans.block(who, this.opts.banFor);
      return { ...refused, retryAfterS: this.opts.banFor, banned: true };
    }
  }
}

/** Whole seconds for Retry-After, never 0 (a client would retry at once and be refused again). */
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
