/**
 * Numbers in the UI's language, not the browser's: with English words,
 * "23,375 px" must not read "23.375 px" on a German system (issue 10). The
 * language is the document's `lang`, which i18n/ sets with the words (English
 * by default, French when chosen or when the browser prefers it).
 */
const formats = new Map<string, Intl.NumberFormat>();

/** Typed loosely on purpose: this module is also unit-tested in Node, where there is no document. */
interface MaybeDocument {
  document?: { documentElement?: { lang?: string } };
}

export function uiLanguage(): string {
  return (globalThis as MaybeDocument).document?.documentElement?.lang || 'en';
}

export function formatNumber(n: number, maximumFractionDigits = 0, lang = uiLanguage()): string {
  const key = `${lang}|${maximumFractionDigits}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang, { maximumFractionDigits, minimumFractionDigits: 0 });
    formats.set(key, f);
  }
  return f.format(n);
}

/** Seconds with one decimal, as "1.2 s". */
export function formatSeconds(ms: number, lang = uiLanguage()): string {
  const key = `${lang}|s`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    formats.set(key, f);
  }
  return `${f.format(ms / 1000)} s`;
}
