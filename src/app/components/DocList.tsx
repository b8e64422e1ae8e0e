/** The open documents as thumbnails with their queue state; click to switch, × to close. */
import { closeDoc, setActiveDoc } from '../actions/import-actions';
import { cancelItem } from '../batch/batch-actions';
import { displayJob } from '../batch/job';
import { isQueued, JOB_LABEL } from '../batch/queue';
import { useShallow } from 'zustand/react/shallow';
import { useUi, type DocMeta } from '../store';
import { BatchBar } from './BatchBar';
import { DocThumb } from './DocThumb';
import { FileButton } from './FileInput';
import { errorText, t, useT } from '../i18n';

function DocStatus({ meta }: { meta: DocMeta }) {
  const job = useUi(useShallow((s) => displayJob(meta, s)));
  const running = job.state === 'detecting' || job.state === 'removing';
  useT();
  return (
    <div className="doc-status-row">
      <span
        className={`doc-status job-${job.state}`}
        data-testid="doc-status"
        data-state={job.state}
        data-code={job.code ?? ''}
        title={job.state === 'failed' ? `${job.code}: ${errorText(job.code ?? '', job.message ?? '')}` : undefined}
      >
        {t(JOB_LABEL[job.state])}
        {job.state === 'failed' && job.code ? <code> {job.code}</code> : null}
      </span>
      {running && (
        <progress className="doc-progress" max={1} value={job.progress ?? undefined} aria-label={t('docs.progress', { name: meta.name })} />
      )}
      {(isQueued(job) || running) && (
        <button type="button" className="doc-cancel" aria-label={t('docs.cancelNamed', { name: meta.name })} title={t('docs.cancelTitle')} onClick={() => cancelItem(meta.id)}>
          {t('docs.cancel')}
        </button>
      )}
    </div>
  );
}

export function DocList() {
  const docs = useUi((s) => s.docs);
  const activeId = useUi((s) => s.activeId);
  useT();
  return (
    <nav className="doc-list" aria-label={t('docs.open')}>
      <BatchBar />
      <ul data-testid="doc-list">
        {docs.map((d) => (
          <li
            key={d.id}
            data-testid="doc-item"
            data-name={d.name}
            data-active={d.id === activeId ? 'true' : 'false'}
            className={d.id === activeId ? 'doc-item active' : 'doc-item'}
          >
            <button
              type="button"
              className="doc-select"
              onClick={() => setActiveDoc(d.id)}
              title={`${d.name} — ${d.width}×${d.height} ${d.format.toUpperCase()}`}
              aria-current={d.id === activeId ? 'true' : undefined}
            >
              <DocThumb docId={d.id} hasResult={!!d.result} />
              <span className="doc-name">{d.name}</span>
              {d.result && <span className="doc-done" title={t('docs.cleaned')}>✓</span>}
            </button>
            <DocStatus meta={d} />
            <button type="button" className="doc-close" aria-label={t('docs.close', { name: d.name })} onClick={() => closeDoc(d.id)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <FileButton label={t('docs.add')} className="button add-button" />
    </nav>
  );
}
