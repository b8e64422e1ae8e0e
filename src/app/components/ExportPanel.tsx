/** Download the cleaned image (full resolution) and the mask. */
import { downloadMask, downloadResult } from '../actions/download-actions';
import { activeDocMeta, update, useUi, type ExportFormat } from '../store';
import { Icon } from './icons';
import { t, useT } from '../i18n';

const formatNames = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP' } as const;

export function ExportPanel() {
  const meta = useUi((s) => activeDocMeta(s));
  const format = useUi((s) => s.exportFormat);
  useT();
  const original = meta ? formatNames[meta.format] : t('exportPanel.originalFormat');
  const lossless = format === 'png' || meta?.format === 'png';
  return (
    <section className="panel export-panel" aria-labelledby="export-title">
      <h2 id="export-title">{t('exportPanel.title')}</h2>
      <div className="export-row">
        <select
          data-testid="format-select"
          aria-label={t('exportPanel.format')}
          value={format}
          onChange={(e) => update('ui', { exportFormat: e.target.value as ExportFormat })}
        >
          <option value="png">PNG</option>
          <option value="original">{meta ? t('exportPanel.original', { format: original }) : t('exportPanel.originalFormat')}</option>
        </select>
        <button
          type="button"
          className="button primary"
          data-testid="download-button"
          disabled={!meta?.result}
          title={meta?.result ? t('exportPanel.downloadTitle') : t('exportPanel.removeFirst')}
          onClick={() => void downloadResult()}
        >
          <Icon name="download" /> {t('exportPanel.download')}
        </button>
        <button
          type="button"
          className="button"
          data-testid="download-mask-button"
          disabled={!meta}
          title={t('exportPanel.maskTitle')}
          onClick={() => void downloadMask()}
        >
          {t('exportPanel.mask')}
        </button>
      </div>
      <p className="hint">
        {lossless
          ? t('exportPanel.lossless')
          : t('exportPanel.lossy', { format: original })}
      </p>
    </section>
  );
}
