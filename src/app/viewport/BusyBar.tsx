/** A thin bar along the top of the viewport while the worker detects or removes this image (not another one). */
import { useUi } from '../store';

export function BusyBar() {
  const status = useUi((s) => s.status);
  const progress = useUi((s) => s.removeProgress);
  const mine = useUi((s) => s.busyDocId !== null && s.busyDocId === s.activeId);
  if ((status !== 'detecting' && status !== 'removing') || !mine) return null;
  const fraction = status === 'removing' && progress && progress.total > 0 ? progress.done / progress.total : null;
  return (
    <div className={fraction === null ? 'busy-bar indeterminate' : 'busy-bar'} aria-hidden="true">
      <span style={fraction === null ? undefined : { width: `${Math.max(2, fraction * 100)}%` }} />
    </div>
  );
}
