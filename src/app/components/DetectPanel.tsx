/** Detection: run the detector, list its regions, tune the threshold. */
import { detectActive, setDetectDilate, setThreshold, toggleRegion } from '../actions/detect-actions';
import { activeDocMeta, useUi } from '../store';
import { Icon } from './icons';
import type { RegionKind, RegionVerdict } from '../../engine/types';
import { t, tn, useT, type PlainKey } from '../i18n';

export function DetectPanel() {
  const meta = useUi((s) => activeDocMeta(s));
  const status = useUi((s) => s.status);
  const dilate = useUi((s) => s.detectDilatePx);
  const busyDocId = useUi((s) => s.busyDocId);
  const busy = status === 'detecting' || status === 'removing';
  const detection = meta?.detection ?? null;
  useT();
  return (
    <section className="panel" aria-labelledby="detect-title">
      <h2 id="detect-title">{t('detect.title')}</h2>
      <button
        type="button"
        className="button primary wide"
        data-testid="detect-button"
        disabled={!meta || busy}
        onClick={() => void detectActive()}
      >
        <Icon name="detect" /> {status === 'detecting' && busyDocId === meta?.id ? t('detect.detecting') : detection ? t('detect.again') : t('detect.run')}
      </button>
      <label className="field">
        <span>
          {t('detect.threshold')} <output>{Math.round((meta?.threshold ?? 0.5) * 100)}%</output>
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
        <span>{t('detect.grow')}</span>
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
            {tn('detect.regions', detection.regions.length, { ms: Math.round(detection.ms) })} {t('detect.rebuildHint')}
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
                      aria-label={t('detect.useRegion', { kind: t(KIND_LABEL[r.kind]), id: r.id })}
                    />
                    <span className={`kind kind-${r.kind}`}>{t(KIND_LABEL[r.kind])}</span>
                    {r.verdict && (
                      <span className={`verdict verdict-${r.verdict}`} title={r.reason}>
                        {t(VERDICT_LABEL[r.verdict])}
                      </span>
                    )}
                    <span className="conf">{Math.round(r.confidence * 100)}%</span>
                    <span className="box-dims">
                      {t('detect.boxAt', { w: r.box.width, h: r.box.height, x: r.box.x, y: r.box.y })}
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

const KIND_LABEL: Record<RegionKind, PlainKey> = {
  text: 'detect.kindText',
  logo: 'detect.kindLogo',
  pattern: 'detect.kindPattern',
};

/** How triage's verdicts read in the region list; "probably content" regions start unchecked. */
const VERDICT_LABEL: Record<RegionVerdict, PlainKey> = {
  overlay: 'detect.verdictOverlay',
  'opaque-mark': 'detect.verdictOpaque',
  content: 'detect.verdictContent',
};
