import { afterEach, describe, expect, it } from 'vitest';
import { en } from './en';
import { fr } from './fr';
import { errorText, initLanguage, pickLanguage, setLanguage, t, tn } from './index';

type Tree = { readonly [k: string]: string | Tree };

/** "ns.key" → text, for every leaf. */
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('catalogues', () => {
  const english = flatten(en);
  const french = flatten(fr);

  it('French has exactly the keys of English', () => {
    expect([...french.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('every French text has the placeholders of its English text', () => {
    const mismatched = [...english].filter(([k, v]) => JSON.stringify(placeholders(v)) !== JSON.stringify(placeholders(french.get(k) ?? '')));
    expect(mismatched.map(([k]) => k)).toEqual([]);
  });

  it('no text is empty, and plural keys come in pairs', () => {
    for (const [k, v] of [...english, ...french]) expect(v.trim(), k).not.toBe('');
    for (const k of english.keys()) {
      if (k.endsWith('_one')) expect(english.has(k.replace(/_one$/, '_other')), k).toBe(true);
      if (k.endsWith('_other')) expect(english.has(k.replace(/_other$/, '_one')), k).toBe(true);
    }
  });

  it('a key missing from French would be caught', () => {
    const { language: _dropped, ...rest } = fr.app;
    const broken = flatten({ ...fr, app: rest });
    expect([...broken.keys()].sort()).not.toEqual([...english.keys()].sort());
  });
});

describe('language choice', () => {
  it('follows the browser by primary subtag, English when none is known', () => {
    expect(pickLanguage(['fr-FR', 'en-US'], null)).toBe('fr');
    expect(pickLanguage(['de-DE', 'fr-CA'], null)).toBe('fr');
    expect(pickLanguage(['de-DE'], null)).toBe('en');
    expect(pickLanguage([], null)).toBe('en');
  });
  it('a stored choice wins; a stored unknown value is ignored', () => {
    expect(pickLanguage(['fr-FR'], 'en')).toBe('en');
    expect(pickLanguage(['fr-FR'], 'xx')).toBe('fr');
  });
});

describe('translate', () => {
  afterEach(() => setLanguage('en'));

  it('loads French on demand', async () => {
    expect(await initLanguage()).toBe('en'); // no navigator in Node: English
    await setLanguage('fr');
    expect(t('app.language')).toBe(fr.app.language);
  });

  it('fills placeholders and switches language', async () => {
    expect(t('docs.cancelNamed', { name: 'a.png' })).toBe('Cancel a.png');
    await setLanguage('fr');
    expect(t('docs.cancelNamed', { name: 'a.png' })).toBe('Annuler a.png');
  });

  it('picks plural forms by the language’s rules', async () => {
    expect(tn('status.opened', 1)).toBe('Image opened');
    expect(tn('status.opened', 3)).toBe('3 images opened');
    await setLanguage('fr');
    // French: 0 and 1 are singular.
    expect(tn('detect.regions', 0, { ms: 5 })).toBe('0 zone en 5 ms.');
    expect(tn('detect.regions', 2, { ms: 5 })).toBe('2 zones en 5 ms.');
  });

  it('errors: the engine’s English in English, the catalogue for a known code elsewhere, the engine’s text for an unknown code', async () => {
    expect(errorText('E_FILE_TOO_LARGE', 'File is 60 MB.')).toBe('File is 60 MB.');
    await setLanguage('fr');
    expect(errorText('E_FILE_TOO_LARGE', 'File is 60 MB.')).toBe('Le fichier est trop gros.');
    expect(errorText('E_SOMETHING_NEW', 'Something new.')).toBe('Something new.');
  });
});
