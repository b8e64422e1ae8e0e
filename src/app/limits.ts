/**
 * Input limits for this page. The engine's defaults (48 MP, 64 MB, 12,000 px a
 * side) fit a desktop tab; a deployment or a user on a small phone can lower
 * or raise them with `?maxMP=24&maxMB=20&maxSide=8000`. The worker validates
 * the result with the same schema as the CLI, so a bad value is an error
 * with a code, not a silent default.
 */
import type { Limits } from '../engine/limits';

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
