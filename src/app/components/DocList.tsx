/** The open documents as thumbnails; click to switch, × to close. */
import { closeDoc, setActiveDoc } from '../actions/import-actions';
import { useUi } from '../store';
import { DocThumb } from './DocThumb';
import { FileButton } from './FileInput';

export function DocList() {
  const docs = useUi((s) => s.docs);
  const activeId = useUi((s) => s.activeId);
  return (
    <nav className="doc-list" aria-label="Open images">
      <ul data-testid="doc-list">
        {docs.map((d) => (
          <li
            key={d.id}
            data-testid="doc-item"
            data-active={d.id === activeId ? 'true' : 'false'}
            className={d.id === activeId ? 'doc-item active' : 'doc-item'}
          >
            <button
              type="button"
              className="doc-select"
              onClick={() => setActiveDoc(d.id)}
              title={`${d.name} — ${d.width}×${d.height} ${d.format.toUpperCase()}`}
              aria-current={d.id === activeId ? 'true' : undefined}
            >
              <DocThumb docId={d.id} hasResult={!!d.result} />
              <span className="doc-name">{d.name}</span>
              {d.result && <span className="doc-done" title="Cleaned">✓</span>}
            </button>
            <button type="button" className="doc-close" aria-label={`Close ${d.name}`} onClick={() => closeDoc(d.id)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <FileButton label="+ Add images" className="button add-button" />
    </nav>
  );
}
