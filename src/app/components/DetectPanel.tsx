/** Detection: run the detector, list its regions, tune the threshold. */
import { detectActive, setDetectDilate, setThreshold, toggleRegion } from '../actions/detect-actions';
import { activeDocMeta, useUi } from '../store';
import { Icon } from './icons';
import type { RegionVerdict } from '../../engine/types';

export function DetectPanel() {
  const meta = useUi((s) => activeDocMeta(s));
  const status = useUi((s) => s.status);
  const dilate = useUi((s) => s.detectDilatePx);
  const busyDocId = useUi((s) => s.busyDocId);
  const busy = status === 'detecting' || status === 'removing';
  const detection = meta?.detection ?? null;
  return (
    <section className="panel" aria-labelledby="detect-title">
      <h2 id="detect-title">1 · Find the watermark</h2>
      <button
        type="button"
        className="button primary wide"
        data-testid="detect-button"
        disabled={!meta || busy}
        onClick={() => void detectActive()}
      >
        <Icon name="detect" /> {status === 'detecting' && busyDocId === meta?.id ? 'Detecting…' : detection ? 'Detect again' : 'Detect watermark'}
      </button>
      <label className="field">
        <span>
          Confidence threshold <output>{Math.round((meta?.threshold ?? 0.5) * 100)}%</output>
        </span>
        <input
          data-testid="threshold-slider"
          type="range"
          min={0.05}
          max={0.95}
          step={0.01}
          value={meta?.threshold ?? 0.5}
          disabled={!meta}
          onChange={(e) => meta && setThreshold(meta.id, Number(e.target.value))}
        />
      </label>
      <label className="field inline">
        <span>Grow detected mask by</span>
        <input
          type="number"
          min={0}
          max={64}
          value={dilate}
          onChange={(e) => setDetectDilate(Math.max(0, Math.min(64, Math.round(Number(e.target.value) || 0))))}
        />
        <span>px</span>
      </label>
      {detection && (
        <>
          <p className="hint">
            {detection.regions.length} region{detection.regions.length === 1 ? '' : 's'} in {Math.round(detection.ms)} ms.
            The threshold and checkboxes rebuild the mask, replacing manual edits (undo brings them back).
          </p>
          <ul className="region-list" data-testid="region-list">
            {detection.regions.map((r) => {
              const enabled = !meta?.disabledRegionIds.includes(r.id);
              const below = r.confidence < (meta?.threshold ?? 0.5);
              return (
                <li
                  key={r.id}
                  data-testid="region-item"
                  data-kind={r.kind}
                  data-verdict={r.verdict ?? ''}
                  data-confidence={r.confidence.toFixed(3)}
                  data-box={`${r.box.x},${r.box.y},${r.box.width},${r.box.height}`}
                  className={below ? 'region below' : 'region'}
                >
                  <label>
                    <input
                      type="checkbox"
                      checked={enabled}
                      onChange={(e) => meta && toggleRegion(meta.id, r.id, e.target.checked)}
                      aria-label={`Use ${r.kind} region ${r.id}`}
                    />
                    <span className={`kind kind-${r.kind}`}>{r.kind}</span>
                    {r.verdict && (
                      <span className={`verdict verdict-${r.verdict}`} title={r.reason}>
                        {VERDICT_LABEL[r.verdict]}
                      </span>
                    )}
                    <span className="conf">{Math.round(r.confidence * 100)}%</span>
                    <span className="box-dims">
                      {r.box.width}×{r.box.height} at {r.box.x},{r.box.y}
                    </span>
                  </label>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

/** How triage's verdicts read in the region list; "probably content" regions start unchecked. */
const VERDICT_LABEL: Record<RegionVerdict, string> = {
  overlay: 'overlay',
  'opaque-mark': 'opaque mark',
  content: 'probably content',
};
