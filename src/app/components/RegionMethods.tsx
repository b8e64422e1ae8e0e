/** After a mark-aware removal: how many regions were inverted (and by which mark) or filled. */
import { formatNumber } from '../format';
import { METHOD_WORDS, methodCounts } from '../actions/region-methods';
import type { RegionMethodRecord } from '../../worker/mark-protocol';
import { t, tn, useT } from '../i18n';

export function RegionMethods({ regions }: { regions: readonly RegionMethodRecord[] }) {
  useT();
  return (
    <ul className="region-methods" data-testid="region-methods">
      {methodCounts(regions).map((m) => (
        <li key={m.method} data-method={m.method} data-count={m.count}>
          {tn('remove.regions', m.count, { how: t(METHOD_WORDS[m.method]), px: formatNumber(m.pixels) })}
        </li>
      ))}
    </ul>
  );
}
