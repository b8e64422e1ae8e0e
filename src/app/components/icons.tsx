/** Small stroke icons (inline SVG, so they render the same everywhere, no emoji fonts needed). */
import type { ReactElement } from 'react';

const paths: Record<string, ReactElement> = {
  brush: (
    <>
      <path d="M14.5 3.5l6 6-8.5 8.5-6-6z" />
      <path d="M6 12l-2.5 2.5c-1 1-1 3.5-.5 6 2.5.5 5 .5 6-.5L11.5 17.5" />
    </>
  ),
  eraser: (
    <>
      <path d="M3.5 15.5l9-9a2 2 0 012.8 0l4.2 4.2a2 2 0 010 2.8L13 20H8z" />
      <path d="M9 10l6 6M8 20h12" />
    </>
  ),
  box: <rect x="4" y="6" width="16" height="12" rx="1" strokeDasharray="3 2" />,
  hand: (
    <path d="M8 13V5.5a1.5 1.5 0 013 0V11m0-6.5a1.5 1.5 0 013 0V11m0-5a1.5 1.5 0 013 0v7c0 4-2.5 7-6.5 7-3 0-4.5-1.5-6-4l-2-3.5a1.4 1.4 0 012.3-1.6L8 13" />
  ),
  undo: <path d="M9 14L4 9l5-5M4 9h10.5a5.5 5.5 0 010 11H11" />,
  redo: <path d="M15 14l5-5-5-5M20 9H9.5a5.5 5.5 0 000 11H13" />,
  detect: (
    <>
      <circle cx="11" cy="11" r="6.5" />
      <path d="M16 16l4.5 4.5" />
    </>
  ),
  sparkle: <path d="M12 3l1.8 5.2L19 10l-5.2 1.8L12 17l-1.8-5.2L5 10l5.2-1.8zM19 16l.8 2.2L22 19l-2.2.8L19 22l-.8-2.2L16 19l2.2-.8z" />,
  download: <path d="M12 4v11m-5-5l5 5 5-5M5 20h14" />,
  eye: (
    <>
      <path d="M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z" />
      <circle cx="12" cy="12" r="3" />
    </>
  ),
};

export type IconName = keyof typeof paths;

export function Icon({ name, size = 18 }: { name: IconName; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.7}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {paths[name]}
    </svg>
  );
}
