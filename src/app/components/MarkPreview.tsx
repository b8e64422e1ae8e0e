/** The estimated mark: α as a grey picture (white = the largest α), its opacity and colour. */
import { useEffect, useRef, useState } from 'react';
import type { DocMarkInfo } from '../marks-store';
import { engine } from '../engine';
import { errorCode } from '../errors';
import { t, useT } from '../i18n';

const SIDE = 160;

const hex = (c: readonly number[]) => `#${c.map((v) => Math.round(Math.min(1, Math.max(0, v)) * 255).toString(16).padStart(2, '0')).join('')}`;

export function MarkPreview({ mark }: { mark: DocMarkInfo }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setFailed(null);
    engine()
      .markPreview(mark.markId)
      .then((bitmap) => {
        const c = canvas.current;
        if (live && c) {
          c.width = bitmap.width;
          c.height = bitmap.height;
          c.getContext('2d')?.drawImage(bitmap, 0, 0);
        }
        bitmap.close();
      })
      .catch((e: unknown) => live && setFailed(errorCode(e)));
    return () => {
      live = false;
    };
  }, [mark.markId]);
  const scale = Math.min(SIDE / mark.width, SIDE / mark.height, 4);
  const colour = hex(mark.colour);
  useT();
  return (
    <figure
      className="mark-preview"
      data-testid="mark-preview"
      data-source={mark.source}
      data-opacity={mark.opacity.toFixed(3)}
      data-colour={colour}
    >
      {failed ? (
        <p className="hint">{t('marks.previewGone', { code: failed })}</p>
      ) : (
        <canvas
          ref={canvas}
          role="img"
          aria-label={t('marks.previewLabel', { w: mark.width, h: mark.height })}
          style={{ width: Math.round(mark.width * scale), height: Math.round(mark.height * scale) }}
        />
      )}
      <figcaption>
        <span>
          {t('marks.opacity')} <strong>{Math.round(mark.opacity * 100)} %</strong>
        </span>
        <span className="mark-colour">
          {t('marks.colour')} <i style={{ background: colour }} aria-hidden="true" /> {colour}
        </span>
        <span>
          {mark.width}×{mark.height} px · {sourceWords(mark)}
        </span>
      </figcaption>
    </figure>
  );
}

function sourceWords(m: DocMarkInfo): string {
  switch (m.source) {
    case 'repeats':
      return t('marks.sourceRepeats', { n: m.instances });
    case 'shared':
      return t('marks.sourceShared', { n: m.instances });
    case 'saved':
      return t('marks.sourceSaved');
    case 'selection':
      return t('marks.sourceSelection', { n: m.instances });
  }
}
