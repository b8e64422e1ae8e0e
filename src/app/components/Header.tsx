/** Title, backend badge, model download progress, privacy note and the shortcuts button. */
import { update, useUi } from '../store';
import type { RuntimeInfo } from '../../worker/protocol';

function backendLabel(info: RuntimeInfo): string {
  if (info.backend === 'webgpu') return 'WebGPU';
  return info.threads > 1 ? `WASM ×${info.threads} threads` : 'WASM (1 thread)';
}

function ModelProgress() {
  const p = useUi((s) => s.modelProgress);
  if (!p) return null;
  const pct = p.total > 0 ? Math.round((p.loaded / p.total) * 100) : null;
  const label =
    p.phase === 'verify' ? 'Verifying models' : p.phase === 'session' ? 'Starting models' : 'Downloading models';
  return (
    <div className="model-progress" title={p.file || undefined}>
      <span>{label}{pct !== null ? ` ${pct}%` : '…'}</span>
      <progress data-testid="model-progress" max={1} value={p.total > 0 ? p.loaded / p.total : undefined} />
    </div>
  );
}

export function Header() {
  const runtime = useUi((s) => s.runtime);
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
        Runs on your device. Images never leave it.
      </p>
      <div className="header-right">
        <ModelProgress />
        <span
          className={`badge ${runtime ? `badge-${runtime.backend}` : 'badge-pending'}`}
          data-testid="backend-badge"
          title={runtime ? `Detectors: ${runtime.detectors.join(', ') || 'none'} · Removers: ${runtime.removers.join(', ') || 'none (Telea only)'}` : 'Starting the engine'}
        >
          {runtime ? backendLabel(runtime) : 'Starting…'}
        </span>
        <button
          type="button"
          className="icon-button"
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
          onClick={() => update('ui', (s) => ({ showHelp: !s.showHelp }))}
        >
          ?
        </button>
      </div>
    </header>
  );
}
