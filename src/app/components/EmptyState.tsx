/** Shown with no images open: the drop target and the picker button. */
import { FileButton } from './FileInput';

export function EmptyState() {
  return (
    <div className="empty-state" data-testid="drop-zone">
      <div className="empty-card">
        <svg width="56" height="56" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.3} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
          <rect x="3" y="4" width="18" height="16" rx="2" />
          <circle cx="9" cy="10" r="2" />
          <path d="M21 16l-5-5-9 9" />
        </svg>
        <h1>Remove a visible watermark</h1>
        <p>Drop images anywhere, paste with Ctrl/⌘+V, or choose files. JPEG, PNG and WebP.</p>
        <FileButton label="Choose images" className="button primary" />
        <p className="fine">Runs on your device. Images never leave it. Works offline once loaded.</p>
      </div>
    </div>
  );
}
