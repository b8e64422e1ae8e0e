/** Draws a document's thumbnail into a small canvas (no object URLs, no re-encoding). */
import { useEffect, useRef } from 'react';
import { getDocData } from '../documents';

export function DocThumb({ docId, hasResult }: { docId: string; hasResult: boolean }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const doc = getDocData(docId);
    if (!canvas || !doc) return;
    // The document's own thumbnail (documents.ts): the full bitmaps exist only for the image on screen.
    const src = doc.thumb;
    const size = 96;
    const k = Math.min(size / src.width, size / src.height);
    canvas.width = Math.max(1, Math.round(src.width * k));
    canvas.height = Math.max(1, Math.round(src.height * k));
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(src, 0, 0, canvas.width, canvas.height);
  }, [docId, hasResult]);
  return <canvas ref={ref} className="thumb" aria-hidden="true" />;
}
