/** One line of status; data-state is what the end-to-end tests wait on. */
import { useUi } from '../store';

export function StatusBar() {
  const status = useUi((s) => s.status);
  const text = useUi((s) => s.statusText);
  return (
    <footer className="status-bar">
      <span className={`status-dot status-${status}`} aria-hidden="true" />
      <span data-testid="status" data-state={status} role="status">
        {text}
      </span>
    </footer>
  );
}
