const MARKUP = Symbol('markup');

/** HTML that is safe to place in a page as is. Only {@link html} and {@link trustedMarkup} make it. */
export interface Markup {
  readonly [MARKUP]: true;
  readonly text: string;
}

/** What a template slot accepts: text is escaped, markup is kept, lists are joined, absent values vanish. */
export type HtmlValue = Markup | string | number | null | undefined | false | readonly HtmlValue[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and for quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Wraps markup written in this module's own source (the stylesheet, the doctype); never user text. */
export function trustedMarkup(text: string): Markup {
  return { [MARKUP]: true, text };
}

/**
 * A template tag that escapes every interpolated value unless it is already {@link Markup}, so user text
 * cannot become markup by forgetting a call. Attribute values must be written inside double quotes.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Markup {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += serialize(value) + (strings[index + 1] ?? '');
  });
  return trustedMarkup(text);
}

function serialize(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return escapeHtml(value);
  if (isMarkup(value)) return value.text;
  return value.map(serialize).join('');
}

function isMarkup(value: Markup | readonly HtmlValue[]): value is Markup {
  return MARKUP in value;
}
