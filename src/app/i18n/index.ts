/**
 * The UI's language: English (the default and the fallback) and French.
 *
 * rosetta (~0.7 kB gzip) looks the keys up and fills `{{placeholders}}`; the
 * types here make every key and placeholder checked by tsc against en.ts.
 * The language follows `navigator.languages` unless the user picked one in the
 * header (kept in localStorage), and is written to `<html lang>`, which
 * format.ts reads so numbers follow the words, never the system locale.
 * English is in the main bundle; another language's catalogue is its own
 * chunk (~6 kB gzip), loaded before it is shown (the service worker precaches it).
 */
import rosetta from 'rosetta';
import { create } from 'zustand';
import { en } from './en';

export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
/** Each language's name in itself, for the select. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', fr: 'Français' };
export const STORAGE_KEY = 'unmark.language';

import type { Catalogue, CatalogueShape, Namespace } from './shape';

export type { CatalogueShape } from './shape';
export type MessageKey = { [N in Namespace]: `${N}.${keyof Catalogue[N] & string}` }[Namespace];
type Text<K extends MessageKey> = K extends `${infer N extends Namespace}.${infer L}` ? (L extends keyof Catalogue[N] ? Catalogue[N][L] : never) : never;
type Placeholders<S> = S extends `${string}{{${infer P}}}${infer Rest}` ? P | Placeholders<Rest> : never;
type Params<K extends MessageKey> = [Placeholders<Text<K>>] extends [never] ? [] : [Record<Placeholders<Text<K>>, string | number>];
/** A key whose text has no placeholder: what tables of labels hold. */
export type PlainKey = { [K in MessageKey]: [Placeholders<Text<K>>] extends [never] ? K : never }[MessageKey];
/** A key with `_one` / `_other` forms, named without the suffix. */
export type PluralKey = MessageKey extends infer K ? (K extends `${infer B}_one` ? B : never) : never;
type PluralParams<B extends PluralKey> = Omit<Record<Placeholders<Text<`${B}_other` & MessageKey>>, string | number>, 'n'>;

const catalogues: Partial<Record<Language, CatalogueShape>> = { en };
const lookup = rosetta<CatalogueShape>({ en });

const loaders: Record<Exclude<Language, 'en'>, () => Promise<CatalogueShape>> = {
  fr: () => import('./fr').then((m) => m.fr),
};

/** The language's catalogue, fetched once; English is always there. */
async function loadCatalogue(lang: Language): Promise<void> {
  if (catalogues[lang]) return;
  const table = await loaders[lang as Exclude<Language, 'en'>]();
  catalogues[lang] = table;
  lookup.set(lang, table);
}

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

/** The first of the browser's languages we have, by primary subtag ("fr-CA" → fr); else English. */
export function pickLanguage(preferred: readonly string[], stored: string | null): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLanguage(primary)) return primary;
  }
  return 'en';
}

export const useLanguage = create<{ lang: Language }>()(() => ({ lang: 'en' }));

export function currentLanguage(): Language {
  return useLanguage.getState().lang;
}

/** Typed loosely on purpose: the catalogues are unit-tested in Node, where there is no page. */
interface MaybeBrowser {
  document?: { documentElement: { lang: string } };
  navigator?: { languages?: readonly string[]; language?: string };
  localStorage?: { getItem(k: string): string | null; setItem(k: string, v: string): void };
}
const page = globalThis as MaybeBrowser;

function apply(lang: Language): void {
  lookup.locale(lang);
  if (page.document) page.document.documentElement.lang = lang;
  useLanguage.setState({ lang });
}

function readStored(): string | null {
  try {
    return page.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null; // storage blocked: follow the browser
  }
}

/**
 * Once, before the first render: the saved choice, else the browser's
 * languages. A catalogue that cannot be loaded leaves the UI in English.
 */
export async function initLanguage(): Promise<Language> {
  const nav = page.navigator;
  const preferred = nav?.languages?.length ? nav.languages : nav?.language ? [nav.language] : [];
  const lang = pickLanguage(preferred, readStored());
  try {
    await loadCatalogue(lang);
    apply(lang);
    return lang;
  } catch {
    apply('en');
    return 'en';
  }
}

/** The user's choice in the header: kept for the next visit, shown once its catalogue is loaded. */
export async function setLanguage(lang: Language): Promise<void> {
  try {
    page.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // Not kept across visits, still applied now.
  }
  await loadCatalogue(lang);
  apply(lang);
}

function translate(key: string, params?: Record<string, string | number>): string {
  const text = lookup.t(key, params ?? {});
  return text || lookup.t(key, params ?? {}, 'en') || key;
}

/** The current language's text for `key`, placeholders filled. */
export function t<K extends MessageKey>(key: K, ...params: Params<K>): string {
  return translate(key, params[0]);
}

const pluralRules = new Map<string, Intl.PluralRules>();

/** The `_one` or `_other` form for `n` by the language's plural rules; `{{n}}` is `n` in the UI's number format. */
export function tn<B extends PluralKey>(key: B, n: number, params?: PluralParams<B>): string {
  const lang = currentLanguage();
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)));
  const form = rules.select(n) === 'one' ? 'one' : 'other';
  return translate(`${key}_${form}`, { ...params, n: new Intl.NumberFormat(lang).format(n) });
}

/** Re-renders the component when the language changes; returns the translators. */
export function useT(): { t: typeof t; tn: typeof tn; lang: Language } {
  const lang = useLanguage((s) => s.lang);
  return { t, tn, lang };
}

/**
 * An error's text for the user. English shows the engine's own message (the
 * most precise); another language shows its words for a known code, and the
 * engine's English for a code it does not know. The caller shows the code.
 */
export function errorText(code: string, engineMessage: string): string {
  const lang = currentLanguage();
  const known = code in en.errors ? (code as keyof Catalogue['errors']) : null;
  if (lang === 'en' || !known) return engineMessage || (known ? en.errors[known] : code);
  return catalogues[lang]?.errors[known] ?? (engineMessage || en.errors[known]);
}
