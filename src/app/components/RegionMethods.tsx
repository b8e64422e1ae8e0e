/** After a mark-aware removal: how many regions were inverted (and by which mark) or filled. */
import { formatNumber } from '../format';
import { METHOD_WORDS, methodCounts } from '../actions/region-methods';
import type { RegionMethodRecord } from '../../worker/mark-protocol';

export function RegionMethods({ regions }: { regions: readonly RegionMethodRecord[] }) {
  return (
    <ul className="region-methods" data-testid="region-methods">
      {methodCounts(regions).map((m) => (
        <li key={m.method} data-method={m.method} data-count={m.count}>
          {m.count} region{m.count === 1 ? '' : 's'} {METHOD_WORDS[m.method]} · {formatNumber(m.pixels)} px
        </li>
      ))}
    </ul>
  );
}
