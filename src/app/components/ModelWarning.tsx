/**
 * Models that failed their check while the others loaded (a corrupt or
 * half-downloaded file): which ones, why, and what still works. Without it a
 * flipped byte in one detector left the app saying "Ready" while detection
 * quietly changed (issue 11, item 2).
 */
import type { RuntimeInfo, UnavailableModel } from '../../worker/protocol';
import { useUi } from '../store';
import { errorText, t, tn, useT } from '../i18n';

/** What still works, in one sentence, from the models that did load. */
export function stillWorks(info: RuntimeInfo, failed: readonly UnavailableModel[]): string {
  const parts: string[] = [];
  const detectorFailed = failed.some((m) => m.role === 'detector');
  const removerFailed = failed.some((m) => m.role === 'remover');
  if (detectorFailed) {
    parts.push(
      info.detectors.length > 0
        ? t('models.detectionOnly', { detectors: info.detectors.join(', ') })
        : t('models.detectionOff'),
    );
  }
  if (removerFailed) parts.push(t('models.removerOff'));
  else parts.push(t('models.removalWorks'));
  return parts.join(' ');
}

export function ModelWarning() {
  const runtime = useUi((s) => s.runtime);
  const failed = runtime?.unavailable ?? [];
  useT();
  if (!runtime || failed.length === 0) return null;
  return (
    <div className="model-warning" role="alert" data-testid="model-warning">
      <strong>{tn('models.failed', failed.length)}</strong>
      <ul>
        {failed.map((m) => (
          <li key={m.modelId} data-testid="model-warning-item" data-model={m.modelId} data-code={m.code}>
            <code>{m.modelId}</code> ({m.code}): {errorText(m.code, m.message)}
          </li>
        ))}
      </ul>
      <span data-testid="model-warning-still-works">{stillWorks(runtime, failed)} {t('models.reload')}</span>
    </div>
  );
}
