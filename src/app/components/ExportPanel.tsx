/** Download the cleaned image (full resolution) and the mask. */
import { downloadMask, downloadResult } from '../actions/download-actions';
import { activeDocMeta, update, useUi, type ExportFormat } from '../store';
import { Icon } from './icons';

const formatNames = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP' } as const;

export function ExportPanel() {
  const meta = useUi((s) => activeDocMeta(s));
  const format = useUi((s) => s.exportFormat);
  const original = meta ? formatNames[meta.format] : 'original';
  const lossless = format === 'png' || meta?.format === 'png';
  return (
    <section className="panel export-panel" aria-labelledby="export-title">
      <h2 id="export-title">4 · Download</h2>
      <div className="export-row">
        <select
          data-testid="format-select"
          aria-label="Download format"
          value={format}
          onChange={(e) => update('ui', { exportFormat: e.target.value as ExportFormat })}
        >
          <option value="png">PNG</option>
          <option value="original">{meta ? `${original} (original)` : 'Original format'}</option>
        </select>
        <button
          type="button"
          className="button primary"
          data-testid="download-button"
          disabled={!meta?.result}
          title={meta?.result ? 'Download the cleaned image at full resolution' : 'Remove the watermark first'}
          onClick={() => void downloadResult()}
        >
          <Icon name="download" /> Download
        </button>
        <button
          type="button"
          className="button"
          data-testid="download-mask-button"
          disabled={!meta}
          title="Download the mask as a grayscale PNG"
          onClick={() => void downloadMask()}
        >
          Mask
        </button>
      </div>
      <p className="hint">
        {lossless
          ? 'PNG is lossless: pixels outside the mask stay exactly as in your file.'
          : `${original} re-compresses the whole image, so pixels outside the mask may change slightly. PNG keeps them identical.`}
      </p>
    </section>
  );
}
