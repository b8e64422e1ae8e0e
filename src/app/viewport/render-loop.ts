/** Hooks into the mounted viewport, so actions and shortcuts can reach it without importing it. */
let painter: (() => void) | null = null;
let scheduled = false;

export function setPainter(fn: (() => void) | null): void {
  painter = fn;
}

export function requestRender(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    painter?.();
  });
}

let gestureCanceller: (() => boolean) | null = null;

export function setGestureCanceller(fn: (() => boolean) | null): void {
  gestureCanceller = fn;
}

/** Rolls back the pointer gesture in progress, if any (Escape). Returns whether there was one. */
export function cancelGesture(): boolean {
  return gestureCanceller?.() ?? false;
}
