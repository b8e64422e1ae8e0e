/** Process exit codes of `unmark`. */
export const EXIT_OK = 0;
/** At least one file failed; the others were still processed. */
export const EXIT_FAILED = 1;
/** Bad command line or unsafe plan; nothing was written. */
export const EXIT_USAGE = 2;
/** Interrupted (Ctrl-C). */
export const EXIT_INTERRUPTED = 130;
