/** Layout: header, document strip, toolbar + viewport, side panels, status line. */
import { useEffect } from 'react';
import { startRuntime } from './actions/runtime-actions';
import { restoreOnce } from './session/session-actions';
import { CompareBar } from './components/CompareBar';
import { DetectPanel } from './components/DetectPanel';
import { DocList } from './components/DocList';
import { EmptyState } from './components/EmptyState';
import { ExportPanel } from './components/ExportPanel';
import { FileInput } from './components/FileInput';
import { Header } from './components/Header';
import { MarksPanel } from './components/MarksPanel';
import { MaskPanel } from './components/MaskPanel';
import { ModelWarning } from './components/ModelWarning';
import { RemovePanel } from './components/RemovePanel';
import { ShortcutsHelp } from './components/ShortcutsHelp';
import { StatusBar } from './components/StatusBar';
import { Toasts } from './components/Toasts';
import { Toolbar } from './components/Toolbar';
import { useGlobalInput } from './hooks/useGlobalInput';
import { useShortcuts } from './hooks/useShortcuts';
import { useUi } from './store';
import { Viewport } from './viewport/Viewport';
import { t, useT } from './i18n';

export function App() {
  const hasDocs = useUi((s) => s.docs.length > 0);
  const dragging = useGlobalInput();
  useShortcuts();
  useT();
  useEffect(() => startRuntime(), []);
  useEffect(() => restoreOnce(), []);

  return (
    <div className={dragging ? 'app dragging' : 'app'}>
      {/* One grid row: the warning, when there is one, sits under the header. */}
      <div>
        <Header />
        <ModelWarning />
      </div>
      <FileInput />
      {hasDocs ? (
        <div className="workspace">
          <DocList />
          <main className="stage">
            <Toolbar />
            <Viewport />
            <CompareBar />
          </main>
          <aside className="side">
            <DetectPanel />
            <MaskPanel />
            <MarksPanel />
            {/* Remove and Download stay pinned at the bottom, so a long region list never pushes Remove below the fold (issue 10). */}
            <div className="side-dock">
              <RemovePanel />
              <ExportPanel />
            </div>
          </aside>
        </div>
      ) : (
        <EmptyState />
      )}
      <StatusBar />
      <Toasts />
      <ShortcutsHelp />
      {dragging && (
        <div className="drop-veil" aria-hidden="true">
          <span>{t('app.dropVeil')}</span>
        </div>
      )}
    </div>
  );
}
