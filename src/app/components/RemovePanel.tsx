/** Removal: method, Remove / Cancel, tile progress. */
import { formatSeconds } from '../format';
import { chooseMethod } from '../actions/runtime-actions';
import { removeActive } from '../actions/remove-actions';
import { cancelTask } from '../actions/task';
import { activeDocMeta, useUi } from '../store';
import type { RemovalMethod } from '../../worker/protocol';
import { Icon } from './icons';
import { RegionMethods } from './RegionMethods';
import { METHOD_NAMES } from '../actions/region-methods';
import { t, useT } from '../i18n';
import type { DocResult } from '../store';

export function RemovePanel() {
  const meta = useUi((s) => activeDocMeta(s));
  const runtime = useUi((s) => s.runtime);
  const method = useUi((s) => s.method);
  const status = useUi((s) => s.status);
  const progress = useUi((s) => s.removeProgress);
  // The worker does one thing at a time, for any image; only the image it works on shows it.
  const busyDocId = useUi((s) => s.busyDocId);
  const busy = status === 'removing' || status === 'detecting';
  const mine = busy && !!meta && busyDocId === meta.id;
  const removing = mine && status === 'removing';
  const hasModel = (runtime?.removers.length ?? 0) > 0;
  const stale = meta?.result && meta.result.maskVersion !== meta.maskVersion;
  useT();
  return (
    <section className="panel" aria-labelledby="remove-title">
      <h2 id="remove-title">{t('remove.title')}</h2>
      <label className="field">
        <span>{t('remove.method')}</span>
        <select
          data-testid="method-select"
          value={method}
          disabled={status === 'removing'}
          onChange={(e) => chooseMethod(e.target.value as RemovalMethod)}
        >
          {hasModel && (
            <option value="model">
              {runtime?.defaultMethod === 'model' ? t('remove.modelDefault') : t('remove.modelExperimental')}
            </option>
          )}
          <option value="auto">{t('remove.auto')}</option>
          <option value="patch">{t('remove.patch')}</option>
          <option value="telea">{t('remove.telea')}</option>
        </select>
      </label>
      <div className="button-row">
        <button
          type="button"
          className="button primary grow"
          data-testid="remove-button"
          disabled={!meta || meta.maskCount === 0 || busy}
          title={meta && meta.maskCount === 0 ? t('remove.markFirst') : busy && !mine ? t('remove.busyOther') : t('remove.removeTitle')}
          onClick={() => void removeActive()}
        >
          <Icon name="sparkle" /> {removing ? t('remove.removing') : t('remove.remove')}
        </button>
        {mine && (
          <button type="button" className="button danger" data-testid="cancel-button" onClick={cancelTask}>
            {t('remove.cancel')}
          </button>
        )}
      </div>
      {removing && (
        <div className="progress-row">
          <progress
            data-testid="progress"
            max={progress && progress.total > 0 ? progress.total : 1}
            value={progress && progress.total > 0 ? progress.done : undefined}
          />
          <span>{progress && progress.total > 0 ? t('remove.tiles', { done: progress.done, total: progress.total }) : t('remove.preparing')}</span>
        </div>
      )}
      {meta?.result && !removing && (
        <p className="hint">
          {doneText(meta.result)}
          {stale ? t('remove.stale') : ''}
        </p>
      )}
      {meta?.result?.regions && !removing && <RegionMethods regions={meta.result.regions} />}
    </section>
  );
}

function doneText(result: DocResult): string {
  const time = formatSeconds(result.ms);
  const backend = result.backend === 'webgpu' ? 'WebGPU' : result.backend === 'wasm' ? 'WASM' : t('remove.cpu');
  return result.marksUsed ? t('remove.doneMarks', { time, backend }) : t('remove.doneMethod', { method: t(METHOD_NAMES[result.method]), time, backend });
}
