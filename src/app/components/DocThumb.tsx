/** Draws a document's thumbnail into a small canvas (no object URLs, no re-encoding). */
import { useEffect, useRef } from 'react';
import { drawFitted, getDocData } from '../documents';

export function DocThumb({ docId, hasResult }: { docId: string; hasResult: boolean }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const doc = getDocData(docId);
    if (!canvas || !doc) return;
    // The document's own thumbnail (documents.ts): the full bitmaps exist only for the image on screen.
    drawFitted(canvas, doc.thumb, 96);
  }, [docId, hasResult]);
  return <canvas ref={ref} className="thumb" aria-hidden="true" />;
}
