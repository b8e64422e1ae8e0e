/** The catalogues' types, apart from index.ts so that the catalogues need not import it back. */
import type { en } from './en';

export type Catalogue = typeof en;
export type Namespace = keyof Catalogue;
/** Another language's catalogue: the same keys, any words. */
export type CatalogueShape = { [N in Namespace]: { [L in keyof Catalogue[N]]: string } };
