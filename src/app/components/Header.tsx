/** Title, backend badge, model download progress, privacy note, language and the shortcuts button. */
import { update, useUi } from '../store';
import type { RuntimeInfo } from '../../worker/protocol';
import { LANGUAGE_NAMES, LANGUAGES, isLanguage, setLanguage, t, useT } from '../i18n';

function backendLabel(info: RuntimeInfo): string {
  if (info.backend === 'webgpu') return 'WebGPU';
  return info.threads > 1 ? t('header.backendThreads', { n: info.threads }) : t('header.backendOneThread');
}

function ModelProgress() {
  const p = useUi((s) => s.modelProgress);
  useT();
  if (!p) return null;
  const pct = p.total > 0 ? Math.round((p.loaded / p.total) * 100) : null;
  const label =
    p.phase === 'verify' ? t('header.verifying') : p.phase === 'session' ? t('header.starting') : t('header.downloading');
  return (
    <div className="model-progress" title={p.file || undefined}>
      <span>{label}{pct !== null ? ` ${pct}%` : '…'}</span>
      <progress data-testid="model-progress" max={1} value={p.total > 0 ? p.loaded / p.total : undefined} />
    </div>
  );
}

function LanguageSelect() {
  const { lang } = useT();
  return (
    <select
      className="language-select"
      data-testid="language-select"
      aria-label={t('app.language')}
      title={t('app.language')}
      value={lang}
      onChange={(e) => isLanguage(e.target.value) && void setLanguage(e.target.value)}
    >
      {LANGUAGES.map((l) => (
        <option key={l} value={l} lang={l}>
          {LANGUAGE_NAMES[l]}
        </option>
      ))}
    </select>
  );
}

export function Header() {
  const runtime = useUi((s) => s.runtime);
  useT();
  return (
    <header className="app-header">
      <div className="brand">
        <img src="/icons/icon-192.png" alt="" width={24} height={24} />
        <strong>Unmark</strong>
      </div>
      <p className="privacy">
        <svg width="13" height="13" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} aria-hidden="true">
          <rect x="5" y="11" width="14" height="10" rx="2" />
          <path d="M8 11V7a4 4 0 018 0v4" />
        </svg>
        {t('header.privacy')}
      </p>
      <div className="header-right">
        <ModelProgress />
        <span
          className={`badge ${runtime ? `badge-${runtime.backend}` : 'badge-pending'}`}
          data-testid="backend-badge"
          title={
            runtime
              ? t('header.models', {
                  detectors: runtime.detectors.join(', ') || t('header.none'),
                  removers: runtime.removers.join(', ') || t('header.noneTelea'),
                })
              : t('header.startingEngine')
          }
        >
          {runtime ? backendLabel(runtime) : t('header.startingShort')}
        </span>
        <LanguageSelect />
        <button
          type="button"
          className="icon-button"
          aria-label={t('header.shortcuts')}
          title={t('header.shortcutsTitle')}
          onClick={() => update('ui', (s) => ({ showHelp: !s.showHelp }))}
        >
          ?
        </button>
      </div>
    </header>
  );
}
