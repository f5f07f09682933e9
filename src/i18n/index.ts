import type { Language } from '../core/index.js';
import { en, type Catalog } from './en.js';
import { fr } from './fr.js';

export type { Catalog } from './en.js';
export { formatBytes } from './en.js';

const CATALOGS: Record<Language, Catalog> = { en, fr };

/**
 * The language to speak to someone: their platform locale when the bot speaks it (`fr`, `fr-FR`, `en-GB`),
 * otherwise the desk's language.
 */
export function languageFor(locale: string | null | undefined, fallback: Language): Language {
  const base = locale?.toLowerCase().split(/[-_]/)[0];
  return base && base in CATALOGS ? (base as Language) : fallback;
}

export function catalog(language: Language): Catalog {
  return CATALOGS[language];
}

/** The words for someone with this locale on a desk speaking `fallback`. */
export function wordsFor(locale: string | null | undefined, fallback: Language): Catalog {
  return CATALOGS[languageFor(locale, fallback)];
}

/**
 * A date and time for text that cannot carry a platform's own timestamp markup: in the desk's time zone,
 * in the reader's language, with the zone named.
 */
export function formatWhen(date: Date, language: Language, timeZone = 'UTC'): string {
  const text = new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone }).format(date);
  return `${text} (${timeZone})`;
}
