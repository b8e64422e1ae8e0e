/**
 * Input limits for this page. The engine's defaults (48 MP, 64 MB, 12,000 px a
 * side) fit a desktop tab; a deployment or a user on a small phone can lower
 * or raise them with `?maxMP=24&maxMB=20&maxSide=8000`. The worker validates
 * the result with the same schema as the CLI, so a bad value is an error
 * with a code, not a silent default.
 */
import type { Limits } from '../engine/limits';
import { DEFAULT_MEMORY_BUDGET_BYTES } from '../engine/memory';

export function limitsFromUrl(search: string = location.search): Partial<Limits> {
  const params = new URLSearchParams(search);
  const num = (key: string): number | undefined => {
    const raw = params.get(key);
    if (raw === null || raw.trim() === '') return undefined;
    return Number(raw);
  };
  const out: Partial<Limits> = {};
  const mp = num('maxMP');
  const mb = num('maxMB');
  const side = num('maxSide');
  if (mp !== undefined) out.maxPixels = Math.round(mp * 1e6);
  if (mb !== undefined) out.maxBytes = Math.round(mb * 1024 * 1024);
  if (side !== undefined) {
    out.maxWidth = Math.round(side);
    out.maxHeight = Math.round(side);
  }
  return out;
}

/**
 * The memory budget for open images (engine/memory.ts): `?maxMemMB=2048`
 * changes it. An invalid value falls back to the default, which is a guard,
 * not a limit a user has to get right.
 */
export function memoryBudgetFromUrl(search: string = location.search): number {
  const raw = new URLSearchParams(search).get('maxMemMB');
  const mb = raw === null ? NaN : Number(raw);
  return Number.isFinite(mb) && mb > 0 ? Math.round(mb * 1024 * 1024) : DEFAULT_MEMORY_BUDGET_BYTES;
}

/**
 * How many images the worker keeps decoded at full resolution (and, apart,
 * how many results as pixels): `?keepDecoded=5`. The others keep their file
 * (results: their PNG) and are decoded again when used (issue 10, item 3).
 * Undefined: the worker's default (worker/held-images.ts, 3).
 */
export function keepDecodedFromUrl(search: string = location.search): number | undefined {
  const raw = new URLSearchParams(search).get('keepDecoded');
  const n = raw === null ? NaN : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
