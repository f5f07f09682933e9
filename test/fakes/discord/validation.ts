import { Errors, type FieldError } from './errors.js';
import { discordTimestamp } from './snowflake.js';

const maxLen = (n: number): FieldError => ({ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${n} or fewer in length.` });
const between = (min: number, max: number): FieldError => ({
  code: 'BASE_TYPE_BAD_LENGTH',
  message: `Must be between ${min} and ${max} in length.`,
});
const required = (): FieldError => ({ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
const choices = (values: readonly unknown[]): FieldError => ({
  code: 'BASE_TYPE_CHOICES',
  message: `Value must be one of {${values.map((v) => JSON.stringify(v)).join(', ')}}.`,
});

/** Collects field errors and throws one 50035 "Invalid Form Body" when there are any. */
export class FormCheck {
  private readonly errors: Record<string, FieldError[]> = {};

  add(path: string, error: FieldError): void {
    (this.errors[path] ??= []).push(error);
  }

  /** Adds an error from its code and message. */
  fail(path: string, code: string, message: string): void {
    this.add(path, { code, message });
  }

  maxLength(path: string, value: unknown, max: number): void {
    if (typeof value === 'string' && [...value].length > max) this.add(path, maxLen(max));
    if (Array.isArray(value) && value.length > max) this.add(path, maxLen(max));
  }

  length(path: string, value: unknown, min: number, max: number): void {
    if (value === undefined || value === null) return this.add(path, required());
    if (typeof value !== 'string') return this.add(path, { code: 'STRING_TYPE_CONVERT', message: 'Could not interpret value as string.' });
    const n = [...value].length;
    if (n < min || n > max) this.add(path, between(min, max));
  }

  required(path: string, value: unknown): boolean {
    if (value === undefined || value === null) {
      this.add(path, required());
      return false;
    }
    return true;
  }

  oneOf(path: string, value: unknown, values: readonly unknown[]): void {
    if (!values.includes(value)) this.add(path, choices(values));
  }

  /** Throws 50035 if anything failed. */
  done(): void {
    if (Object.keys(this.errors).length) throw Errors.invalidForm(this.errors);
  }
}

/** Allowed thread archive durations, in minutes. */
export const AUTO_ARCHIVE_DURATIONS = [60, 1440, 4320, 10080] as const;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Discord's embed limits; returns the embeds as Discord stores them (`type: rich`, normalized timestamps). */
export function checkEmbeds(check: FormCheck, embeds: unknown): Json[] {
  if (embeds === undefined || embeds === null) return [];
  if (!Array.isArray(embeds)) {
    check.add('embeds', { code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    return [];
  }
  check.maxLength('embeds', embeds, 10);
  let total = 0;
  const count = (s: unknown) => (typeof s === 'string' ? (total += [...s].length) : 0);
  const out = embeds.map((raw, i) => {
    const e: Json = isObject(raw) ? { ...raw } : {};
    const p = `embeds.${i}`;
    check.maxLength(`${p}.title`, e.title, 256);
    check.maxLength(`${p}.description`, e.description, 4096);
    count(e.title);
    count(e.description);
    if (isObject(e.footer)) {
      check.maxLength(`${p}.footer.text`, e.footer.text, 2048);
      count(e.footer.text);
    }
    if (isObject(e.author)) {
      check.maxLength(`${p}.author.name`, e.author.name, 256);
      count(e.author.name);
    }
    if (Array.isArray(e.fields)) {
      check.maxLength(`${p}.fields`, e.fields, 25);
      e.fields.forEach((f: unknown, j: number) => {
        const field = isObject(f) ? f : {};
        check.length(`${p}.fields.${j}.name`, field.name, 1, 256);
        check.length(`${p}.fields.${j}.value`, field.value, 1, 1024);
        count(field.name);
        count(field.value);
      });
      // Discord stores and returns every field with `inline`, false when the request left it out.
      e.fields = e.fields.map((f: unknown) => (isObject(f) ? { ...f, inline: f.inline === true } : f));
    }
    if (typeof e.timestamp === 'string') {
      const ms = Date.parse(e.timestamp);
      if (Number.isNaN(ms)) check.add(`${p}.timestamp`, { code: 'DATE_TYPE_PARSE', message: 'Could not parse date.' });
      else e.timestamp = discordTimestamp(ms);
    }
    e.type ??= 'rich';
    e.content_scan_version = 0;
    return e;
  });
  if (total > 6000) check.add('embeds', { code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' });
  return out;
}

/** Message component limits; returns the components with the numeric `id`s Discord assigns. */
export function checkMessageComponents(check: FormCheck, components: unknown, componentsV2: boolean): Json[] {
  if (components === undefined || components === null) return [];
  if (!Array.isArray(components)) {
    check.add('components', { code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    return [];
  }
  if (!componentsV2) check.maxLength('components', components, 5);
  const customIds = new Set<string>();
  const walk = (raw: unknown, path: string): Json => {
    const c: Json = isObject(raw) ? { ...raw } : {};
    if (c.type === 2) {
      const style = c.style;
      check.oneOf(`${path}.style`, style, [1, 2, 3, 4, 5, 6]);
      if (style === 5) {
        if (typeof c.url !== 'string') check.add(`${path}.url`, required());
      } else if (style !== 6) {
        check.length(`${path}.custom_id`, c.custom_id, 1, 100);
      }
      check.maxLength(`${path}.label`, c.label, 80);
    }
    if (c.type === 3 || (typeof c.type === 'number' && c.type >= 5 && c.type <= 8)) {
      check.length(`${path}.custom_id`, c.custom_id, 1, 100);
      c.min_values ??= 1;
      c.max_values ??= 1;
      if (c.type === 3) {
        if (!Array.isArray(c.options) || c.options.length === 0) check.add(`${path}.options`, required());
        else check.maxLength(`${path}.options`, c.options, 25);
      }
    }
    if (typeof c.custom_id === 'string') {
      if (customIds.has(c.custom_id)) {
        check.add(`${path}.custom_id`, { code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' });
      }
      customIds.add(c.custom_id);
    }
    if (Array.isArray(c.components)) {
      if (c.type === 1) check.maxLength(`${path}.components`, c.components, 5);
      c.components = c.components.map((child: unknown, i: number) => walk(child, `${path}.components.${i}`));
    }
    if (isObject(c.accessory)) c.accessory = walk(c.accessory, `${path}.accessory`);
    if (isObject(c.component)) c.component = walk(c.component, `${path}.component`);
    return c;
  };
  const out = components.map((c, i) => walk(c, `components.${i}`));
  assignComponentIds(out);
  return out;
}

/** Gives every component without an `id` the next free integer, depth first, as Discord does. */
export function assignComponentIds(components: Json[]): void {
  const used = new Set<number>();
  const all: Json[] = [];
  const collect = (c: Json) => {
    all.push(c);
    if (typeof c.id === 'number') used.add(c.id);
    if (Array.isArray(c.components)) (c.components as Json[]).forEach(collect);
    if (isObject(c.accessory)) collect(c.accessory);
    if (isObject(c.component)) collect(c.component);
  };
  components.forEach(collect);
  let next = 1;
  for (const c of all) {
    if (typeof c.id === 'number') continue;
    while (used.has(next)) next += 1;
    c.id = next;
    used.add(next);
  }
}

/** Every component of a tree, depth first. */
export function flattenComponents(components: readonly unknown[]): Json[] {
  const out: Json[] = [];
  const walk = (c: unknown) => {
    if (!isObject(c)) return;
    out.push(c);
    if (Array.isArray(c.components)) c.components.forEach(walk);
    if (isObject(c.accessory)) walk(c.accessory);
    if (isObject(c.component)) walk(c.component);
  };
  components.forEach(walk);
  return out;
}

const TEXT_INPUT_STYLES = [1, 2];
const MODAL_CHILD_TYPES = [3, 4, 5, 6, 7, 8, 19, 21, 22, 23];

/** Modal limits (custom_id, title, at most 5 top-level components, each Label's child); returns it with ids assigned. */
export function checkModal(data: unknown): Json {
  const check = new FormCheck();
  const modal: Json = isObject(data) ? structuredClone(data) : {};
  check.length('data.custom_id', modal.custom_id, 1, 100);
  check.length('data.title', modal.title, 1, 45);
  const components = Array.isArray(modal.components) ? (modal.components as Json[]) : [];
  if (components.length < 1 || components.length > 5) check.add('data.components', between(1, 5));
  const customIds = new Set<string>();
  const child = (c: Json, path: string) => {
    check.oneOf(`${path}.type`, c.type, MODAL_CHILD_TYPES);
    check.length(`${path}.custom_id`, c.custom_id, 1, 100);
    if (typeof c.custom_id === 'string') {
      if (customIds.has(c.custom_id)) {
        check.add(`${path}.custom_id`, { code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' });
      }
      customIds.add(c.custom_id);
    }
    if (c.type === 4) {
      check.oneOf(`${path}.style`, c.style, TEXT_INPUT_STYLES);
      check.maxLength(`${path}.value`, c.value, 4000);
      check.maxLength(`${path}.placeholder`, c.placeholder, 100);
    }
    if (c.type === 3 && (!Array.isArray(c.options) || c.options.length === 0)) check.add(`${path}.options`, required());
    if (c.type === 19) {
      if (typeof c.max_values === 'number' && (c.max_values < 1 || c.max_values > 10)) check.add(`${path}.max_values`, between(1, 10));
    }
  };
  components.forEach((c, i) => {
    const path = `data.components.${i}`;
    if (c.type === 18) {
      check.length(`${path}.label`, c.label, 1, 45);
      check.maxLength(`${path}.description`, c.description, 100);
      if (!isObject(c.component)) check.add(`${path}.component`, required());
      else child(c.component, `${path}.component`);
    } else if (c.type === 1) {
      const row = Array.isArray(c.components) ? (c.components as Json[]) : [];
      if (row.length !== 1) check.add(`${path}.components`, between(1, 1));
      row.forEach((input, j) => {
        const p = `${path}.components.${j}`;
        check.oneOf(`${p}.type`, input.type, [4]);
        check.length(`${p}.label`, input.label, 1, 45);
        child(input, p);
      });
    } else if (c.type !== 10) {
      check.oneOf(`${path}.type`, c.type, [1, 10, 18]);
    }
  });
  check.done();
  assignComponentIds(components);
  return modal;
}
