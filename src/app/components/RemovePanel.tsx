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
  return (
    <section className="panel" aria-labelledby="remove-title">
      <h2 id="remove-title">3 · Remove</h2>
      <label className="field">
        <span>Method</span>
        <select
          data-testid="method-select"
          value={method}
          disabled={status === 'removing'}
          onChange={(e) => chooseMethod(e.target.value as RemovalMethod)}
        >
          {hasModel && (
            <option value="model">
              {runtime?.defaultMethod === 'model' ? 'Learned remover (inverts the blend)' : 'Learned remover (experimental)'}
            </option>
          )}
          <option value="auto">Automatic (Telea or patch fill per region)</option>
          <option value="patch">Patch fill (keeps texture)</option>
          <option value="telea">Classical (Telea)</option>
        </select>
      </label>
      <div className="button-row">
        <button
          type="button"
          className="button primary grow"
          data-testid="remove-button"
          disabled={!meta || meta.maskCount === 0 || busy}
          title={meta && meta.maskCount === 0 ? 'Mark the watermark first' : busy && !mine ? 'Busy with another image' : 'Remove the masked area'}
          onClick={() => void removeActive()}
        >
          <Icon name="sparkle" /> {removing ? 'Removing…' : 'Remove'}
        </button>
        {mine && (
          <button type="button" className="button danger" data-testid="cancel-button" onClick={cancelTask}>
            Cancel
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
          <span>{progress && progress.total > 0 ? `${progress.done} / ${progress.total} tiles` : 'Preparing…'}</span>
        </div>
      )}
      {meta?.result && !removing && (
        <p className="hint">
          Done {meta.result.marksUsed ? 'with the known marks first' : `with ${METHOD_NAMES[meta.result.method]}`} in {formatSeconds(meta.result.ms)} on{' '}
          {meta.result.backend === 'webgpu' ? 'WebGPU' : meta.result.backend === 'wasm' ? 'WASM' : 'the CPU'}.
          {stale ? ' The mask changed since: press Remove again to update.' : ''}
        </p>
      )}
      {meta?.result?.regions && !removing && <RegionMethods regions={meta.result.regions} />}
    </section>
  );
}
