import { importFiles } from '../actions/import-actions';

export const ACCEPT = 'image/jpeg,image/png,image/webp';
const INPUT_ID = 'unmark-file-input';

/** The one file picker in the page (multiple). Buttons elsewhere are labels for it. */
export function FileInput() {
  return (
    <input
      id={INPUT_ID}
      data-testid="file-input"
      type="file"
      multiple
      accept={ACCEPT}
      className="visually-hidden"
      tabIndex={-1}
      onChange={(e) => {
        const files = Array.from(e.target.files ?? []);
        e.target.value = '';
        void importFiles(files);
      }}
    />
  );
}

export function FileButton({ label, className }: { label: string; className?: string }) {
  return (
    <label
      htmlFor={INPUT_ID}
      className={className ?? 'button'}
      tabIndex={0}
      role="button"
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          document.getElementById(INPUT_ID)?.click();
        }
      }}
    >
      {label}
    </label>
  );
}
