/** Shown with no images open: the drop target and the picker button. */
import { FileButton } from './FileInput';
import { t, useT } from '../i18n';

export function EmptyState() {
  useT();
  return (
    <div className="empty-state" data-testid="drop-zone">
      <div className="empty-card">
        <svg width="56" height="56" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.3} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
          <rect x="3" y="4" width="18" height="16" rx="2" />
          <circle cx="9" cy="10" r="2" />
          <path d="M21 16l-5-5-9 9" />
        </svg>
        <h1>{t('empty.title')}</h1>
        <p>{t('empty.how')}</p>
        <FileButton label={t('empty.choose')} className="button primary" />
        <p className="fine">{t('empty.fine')}</p>
      </div>
    </div>
  );
}
