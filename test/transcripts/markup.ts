/** A start tag read from a transcript: its name and attributes, values decoded. */
export interface StartTag {
  name: string;
  attributes: Map<string, string>;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/** Decodes the entities the transcript's escaping produces. */
export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name] ?? '');
}

/**
 * Every start tag of a page. Attributes must be `name` or `name="value"`: anything else (an unquoted value,
 * a stray quote that escaped its attribute) throws, which is what an injection would look like.
 */
export function startTags(page: string): StartTag[] {
  const tags: StartTag[] = [];
  for (const match of page.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)) {
    const [whole, name = '', rest = ''] = match;
    const attributes = new Map<string, string>();
    const leftover = rest.replace(/\s+([a-zA-Z-]+)(?:="([^"]*)")?/g, (_, key: string, value: string | undefined) => {
      attributes.set(key.toLowerCase(), decodeEntities(value ?? ''));
      return '';
    });
    if (leftover.trim() !== '') throw new Error(`unexpected attribute text in ${whole}`);
    tags.push({ name: name.toLowerCase(), attributes });
  }
  return tags;
}

/** The text a reader sees in a fragment: tags removed, entities decoded, white space kept. */
export function visibleText(fragment: string): string {
  return decodeEntities(fragment.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<[^>]*>/g, ''));
}

/** The markup of one element found by its id, up to its closing tag (the element must not nest its own kind). */
export function elementById(page: string, tag: string, id: string): string {
  const found = new RegExp(`<${tag}[^>]*\\sid="${id}"[^>]*>[\\s\\S]*?</${tag}>`).exec(page);
  if (!found) throw new Error(`no <${tag} id="${id}"> in the page`);
  return found[0];
}

/** The first element with this class, up to its closing tag (the element must not nest its own kind). */
export function elementByClass(page: string, tag: string, className: string): string | null {
  const found = new RegExp(`<${tag}[^>]*\\sclass="(?:[^"]* )?${className}(?: [^"]*)?"[^>]*>[\\s\\S]*?</${tag}>`).exec(page);
  return found ? found[0] : null;
}

/** A definition list's terms and descriptions as visible text. */
export function definitions(fragment: string): Record<string, string> {
  const pairs = [...fragment.matchAll(/<dt>([\s\S]*?)<\/dt><dd>([\s\S]*?)<\/dd>/g)];
  return Object.fromEntries(pairs.map(([, term = '', value = '']) => [visibleText(term), visibleText(value)]));
}
