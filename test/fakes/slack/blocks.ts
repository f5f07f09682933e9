import { generatedBlockId } from './ids.js';
import type { Obj } from './types.js';

const BLOCK_TYPES = new Set([
  'actions', 'context', 'divider', 'file', 'header', 'image', 'input', 'rich_text', 'section',
  'video', 'markdown', 'call', 'table', 'context_actions',
]);

const INTERACTIVE = new Set([
  'button', 'static_select', 'multi_static_select', 'external_select', 'multi_external_select',
  'users_select', 'multi_users_select', 'conversations_select', 'multi_conversations_select',
  'channels_select', 'multi_channels_select', 'overflow', 'datepicker', 'timepicker', 'datetimepicker',
  'radio_buttons', 'checkboxes', 'plain_text_input', 'email_text_input', 'url_text_input', 'number_input',
  'rich_text_input', 'file_input', 'workflow_button', 'feedback_buttons', 'icon_button',
]);

const STATELESS = new Set(['button', 'overflow', 'workflow_button', 'feedback_buttons', 'icon_button']);

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of an object without some keys. */
export function omit(value: Obj, keys: string[]): Obj {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

class Problems {
  readonly list: string[] = [];

  add(message: string, pointer: string): void {
    this.list.push(`${message} [json-pointer:${pointer}]`);
  }

  maxChars(value: unknown, max: number, pointer: string): void {
    if (typeof value === 'string' && value.length > max) this.add(`must be less than ${max + 1} characters`, pointer);
  }

  maxItems(value: unknown, max: number, pointer: string): void {
    if (Array.isArray(value) && value.length > max) this.add(`no more than ${max} items allowed`, pointer);
  }

  textObject(value: unknown, max: number, pointer: string, plainOnly = false): void {
    if (value === undefined) return;
    if (!isObj(value)) {
      this.add('expected object', pointer);
      return;
    }
    if (value.type !== 'plain_text' && (plainOnly || value.type !== 'mrkdwn')) {
      this.add(plainOnly ? 'must be a plain_text text object' : 'must be a valid text object type', `${pointer}/type`);
    }
    if (typeof value.text !== 'string') {
      this.add('missing required field: text', pointer);
      return;
    }
    if (value.text.length === 0) this.add('must be more than 0 characters', `${pointer}/text`);
    this.maxChars(value.text, max, `${pointer}/text`);
  }
}

function checkOptions(p: Problems, options: unknown, pointer: string, max: number): void {
  if (options === undefined) return;
  if (!Array.isArray(options)) {
    p.add('expected array', pointer);
    return;
  }
  p.maxItems(options, max, pointer);
  options.forEach((option, i) => {
    if (!isObj(option)) return;
    p.textObject(option.text, 75, `${pointer}/${i}/text`);
    p.maxChars(option.value, 150, `${pointer}/${i}/value`);
  });
}

function checkElement(p: Problems, element: unknown, pointer: string): void {
  if (!isObj(element)) {
    p.add('expected object', pointer);
    return;
  }
  const type = element.type;
  if (typeof type !== 'string') {
    p.add('missing required field: type', pointer);
    return;
  }
  p.maxChars(element.action_id, 255, `${pointer}/action_id`);
  p.textObject(element.placeholder, 150, `${pointer}/placeholder`, true);
  switch (type) {
    case 'button':
      p.textObject(element.text, 75, `${pointer}/text`, true);
      if (element.text === undefined) p.add('missing required field: text', pointer);
      p.maxChars(element.value, 2000, `${pointer}/value`);
      p.maxChars(element.url, 3000, `${pointer}/url`);
      break;
    case 'static_select':
    case 'multi_static_select':
      if (element.options === undefined && element.option_groups === undefined) {
        p.add('must provide either options or option_groups', pointer);
      }
      checkOptions(p, element.options, `${pointer}/options`, 100);
      p.maxItems(element.option_groups, 100, `${pointer}/option_groups`);
      if (Array.isArray(element.option_groups)) {
        element.option_groups.forEach((group, i) => {
          if (isObj(group)) checkOptions(p, group.options, `${pointer}/option_groups/${i}/options`, 100);
        });
      }
      break;
    case 'overflow':
      checkOptions(p, element.options, `${pointer}/options`, 5);
      break;
    case 'checkboxes':
    case 'radio_buttons':
      checkOptions(p, element.options, `${pointer}/options`, 10);
      break;
    case 'plain_text_input':
      if (typeof element.max_length === 'number' && element.max_length > 3000) {
        p.add('must be less than 3001', `${pointer}/max_length`);
      }
      break;
    case 'file_input':
      if (typeof element.max_files === 'number' && (element.max_files < 1 || element.max_files > 10)) {
        p.add('must be between 1 and 10', `${pointer}/max_files`);
      }
      break;
    case 'image':
      p.maxChars(element.alt_text, 2000, `${pointer}/alt_text`);
      break;
    default:
      break;
  }
}

function checkBlock(p: Problems, block: unknown, pointer: string, seenIds: Set<string>): void {
  if (!isObj(block)) {
    p.add('expected object', pointer);
    return;
  }
  const type = block.type;
  if (typeof type !== 'string') {
    p.add('missing required field: type', pointer);
    return;
  }
  if (!BLOCK_TYPES.has(type)) {
    p.add(`unsupported type: ${type}`, `${pointer}/type`);
    return;
  }
  if (block.block_id !== undefined) {
    if (typeof block.block_id !== 'string') {
      p.add('expected string', `${pointer}/block_id`);
    } else {
      p.maxChars(block.block_id, 255, `${pointer}/block_id`);
      if (seenIds.has(block.block_id)) p.add(`duplicate block_id: ${block.block_id}`, `${pointer}/block_id`);
      seenIds.add(block.block_id);
    }
  }
  switch (type) {
    case 'section':
      p.textObject(block.text, 3000, `${pointer}/text`);
      p.maxItems(block.fields, 10, `${pointer}/fields`);
      if (Array.isArray(block.fields)) {
        block.fields.forEach((field, i) => p.textObject(field, 2000, `${pointer}/fields/${i}`));
      }
      if (block.text === undefined && block.fields === undefined) {
        p.add('must provide either text or fields', pointer);
      }
      if (block.accessory !== undefined) checkElement(p, block.accessory, `${pointer}/accessory`);
      break;
    case 'header':
      if (block.text === undefined) p.add('missing required field: text', pointer);
      p.textObject(block.text, 150, `${pointer}/text`, true);
      break;
    case 'context':
      p.maxItems(block.elements, 10, `${pointer}/elements`);
      break;
    case 'actions':
      if (!Array.isArray(block.elements)) {
        p.add('missing required field: elements', pointer);
        break;
      }
      p.maxItems(block.elements, 25, `${pointer}/elements`);
      block.elements.forEach((element, i) => checkElement(p, element, `${pointer}/elements/${i}`));
      break;
    case 'input':
      if (block.label === undefined) p.add('missing required field: label', pointer);
      p.textObject(block.label, 2000, `${pointer}/label`, true);
      p.textObject(block.hint, 2000, `${pointer}/hint`, true);
      if (block.element === undefined) p.add('missing required field: element', pointer);
      else checkElement(p, block.element, `${pointer}/element`);
      break;
    case 'image':
      p.maxChars(block.alt_text, 2000, `${pointer}/alt_text`);
      p.maxChars(block.image_url, 3000, `${pointer}/image_url`);
      p.textObject(block.title, 2000, `${pointer}/title`, true);
      break;
    case 'markdown':
      p.maxChars(block.text, 12000, `${pointer}/text`);
      break;
    default:
      break;
  }
}

/** Block Kit problems of a message's `blocks`, as Slack words them (empty when valid). */
export function validateMessageBlocks(blocks: unknown[]): string[] {
  const p = new Problems();
  p.maxItems(blocks, 50, '/blocks');
  const seen = new Set<string>();
  blocks.forEach((block, i) => checkBlock(p, block, `/blocks/${i}`, seen));
  return p.list;
}

/** Problems of a modal view payload, as Slack words them (empty when valid). */
export function validateModal(view: Obj): string[] {
  const p = new Problems();
  if (view.type !== 'modal') {
    p.add(view.type === undefined ? 'missing required field: type' : 'must be modal', '/view/type');
  }
  if (view.title === undefined) p.add('missing required field: title', '/view');
  p.textObject(view.title, 24, '/view/title', true);
  p.textObject(view.submit, 24, '/view/submit', true);
  p.textObject(view.close, 24, '/view/close', true);
  p.maxChars(view.private_metadata, 3000, '/view/private_metadata');
  p.maxChars(view.callback_id, 255, '/view/callback_id');
  p.maxChars(view.external_id, 255, '/view/external_id');
  if (!Array.isArray(view.blocks)) {
    p.add('missing required field: blocks', '/view');
    return p.list;
  }
  p.maxItems(view.blocks, 100, '/view/blocks');
  const seen = new Set<string>();
  view.blocks.forEach((block, i) => {
    checkBlock(p, block, `/view/blocks/${i}`, seen);
    if (isObj(block) && block.type === 'input' && view.submit === undefined) {
      p.add('must define `submit` to use an `input` block in modals', `/view/blocks/${i}/input`);
    }
  });
  return p.list;
}

function normalizeText(value: unknown): unknown {
  if (!isObj(value) || typeof value.text !== 'string') return value;
  if (value.type === 'plain_text') return { emoji: true, ...value };
  if (value.type === 'mrkdwn') return { verbatim: false, ...value };
  return value;
}

const TEXT_KEYS = new Set(['text', 'title', 'label', 'hint', 'placeholder', 'description', 'submit', 'close', 'confirm', 'deny']);

function normalizeDeep(value: unknown, key: string | undefined): unknown {
  if (Array.isArray(value)) return value.map((item) => normalizeDeep(item, key === 'fields' ? 'text' : undefined));
  if (!isObj(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) out[k] = normalizeDeep(v, k);
  if (key !== undefined && TEXT_KEYS.has(key)) return normalizeText(out);
  if (typeof out.type === 'string' && INTERACTIVE.has(out.type) && out.action_id === undefined) {
    out.action_id = generatedBlockId();
  }
  return out;
}

/**
 * Blocks as Slack stores and echoes them: a generated `block_id` (and `action_id`) where the app
 * gave none, `emoji: true` on plain_text objects.
 */
export function normalizeBlocks(blocks: unknown[]): Obj[] {
  return blocks.map((block) => {
    const out = normalizeDeep(block, undefined) as Obj;
    if (out.block_id === undefined) out.block_id = generatedBlockId();
    return out;
  });
}

/** The plain_text object Slack puts in a view title, submit or close. */
export function normalizeTextObject(value: unknown): unknown {
  return normalizeDeep(value, 'text');
}

/** An interactive element of a surface, with the block that holds it. */
export interface LocatedElement {
  block: Obj;
  element: Obj;
  /** Whether the block is an `input` block. */
  inInput: boolean;
}

/** Every interactive element of a list of blocks. */
export function elementsOf(blocks: unknown): LocatedElement[] {
  const out: LocatedElement[] = [];
  if (!Array.isArray(blocks)) return out;
  for (const block of blocks) {
    if (!isObj(block)) continue;
    const candidates: unknown[] = [];
    if (block.type === 'input') candidates.push(block.element);
    if (block.type === 'section') candidates.push(block.accessory);
    if (block.type === 'actions' && Array.isArray(block.elements)) candidates.push(...block.elements);
    for (const element of candidates) {
      if (isObj(element) && typeof element.type === 'string' && INTERACTIVE.has(element.type)) {
        out.push({ block, element, inInput: block.type === 'input' });
      }
    }
  }
  return out;
}

/** Find an element by `action_id` (and optionally `block_id`). */
export function findElement(blocks: unknown, actionId: string, blockId?: string): LocatedElement | undefined {
  return elementsOf(blocks).find(
    (located) => located.element.action_id === actionId && (blockId === undefined || located.block.block_id === blockId),
  );
}

function allOptions(element: Obj): Obj[] {
  const options: Obj[] = [];
  if (Array.isArray(element.options)) options.push(...element.options.filter(isObj));
  if (Array.isArray(element.option_groups)) {
    for (const group of element.option_groups) {
      if (isObj(group) && Array.isArray(group.options)) options.push(...group.options.filter(isObj));
    }
  }
  return options;
}

function pickOption(element: Obj, wanted: unknown): Obj {
  const value = isObj(wanted) ? wanted.value : wanted;
  if (element.type === 'external_select' || element.type === 'multi_external_select') {
    if (isObj(wanted)) return wanted;
    return { text: { type: 'plain_text', text: String(value), emoji: true }, value: String(value) };
  }
  const found = allOptions(element).find((option) => option.value === value);
  if (found === undefined) {
    throw new Error(`element ${String(element.action_id)} has no option with value ${JSON.stringify(value)}`);
  }
  return structuredClone(found);
}

/** The `state.values` entry Slack reports for an element nobody touched. */
export function initialStateValue(element: Obj): Obj | undefined {
  const type = String(element.type);
  if (STATELESS.has(type)) return undefined;
  switch (type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return { type, value: element.initial_value ?? null };
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return { type, selected_option: element.initial_option ?? null };
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type, selected_options: element.initial_options ?? [] };
    case 'users_select':
      return { type, selected_user: element.initial_user ?? null };
    case 'multi_users_select':
      return { type, selected_users: element.initial_users ?? [] };
    case 'conversations_select':
      return { type, selected_conversation: element.initial_conversation ?? null };
    case 'multi_conversations_select':
      return { type, selected_conversations: element.initial_conversations ?? [] };
    case 'channels_select':
      return { type, selected_channel: element.initial_channel ?? null };
    case 'multi_channels_select':
      return { type, selected_channels: element.initial_channels ?? [] };
    case 'datepicker':
      return { type, selected_date: element.initial_date ?? null };
    case 'timepicker':
      return { type, selected_time: element.initial_time ?? null };
    case 'datetimepicker':
      return { type, selected_date_time: element.initial_date_time ?? null };
    case 'rich_text_input':
      return { type, rich_text_value: element.initial_value ?? { type: 'rich_text', elements: [] } };
    case 'file_input':
      return { type, files: [] };
    default:
      return { type, value: null };
  }
}

/** A rich_text block for plain text, with `<@U…>` turned into user elements, as Slack clients send. */
export function richTextOf(text: string): Obj {
  const elements: Obj[] = [];
  const pattern = /<@([UW][A-Z0-9]+)>/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) elements.push({ type: 'text', text: text.slice(last, match.index) });
    elements.push({ type: 'user', user_id: match[1] });
    last = match.index + match[0].length;
  }
  if (last < text.length) elements.push({ type: 'text', text: text.slice(last) });
  return { type: 'rich_text', block_id: generatedBlockId(), elements: [{ type: 'rich_text_section', elements }] };
}

/**
 * Turn what a test user "entered" into the element's state value. Strings pick options by value;
 * `file_input` takes already-built file objects (see the fake's file store).
 */
export function stateValueFrom(element: Obj, input: unknown): Obj {
  const type = String(element.type);
  const many = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
  switch (type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
      return { type, value: input === undefined || input === null ? null : String(input) };
    case 'number_input':
      return { type, value: input === undefined || input === null ? null : String(input) };
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return { type, selected_option: input === null ? null : pickOption(element, input) };
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type, selected_options: many(input).map((v) => pickOption(element, v)) };
    case 'users_select':
      return { type, selected_user: input ?? null };
    case 'multi_users_select':
      return { type, selected_users: many(input) };
    case 'conversations_select':
      return { type, selected_conversation: input ?? null };
    case 'multi_conversations_select':
      return { type, selected_conversations: many(input) };
    case 'channels_select':
      return { type, selected_channel: input ?? null };
    case 'multi_channels_select':
      return { type, selected_channels: many(input) };
    case 'datepicker':
      return { type, selected_date: input ?? null };
    case 'timepicker':
      return { type, selected_time: input ?? null };
    case 'datetimepicker':
      return { type, selected_date_time: input ?? null };
    case 'rich_text_input':
      return { type, rich_text_value: typeof input === 'string' ? richTextOf(input) : input };
    case 'file_input':
      return { type, files: many(input) };
    default:
      throw new Error(`element type ${type} holds no value`);
  }
}

/** Whether a state value is empty (a required input Slack's client would refuse to submit). */
export function isEmptyState(value: Obj | undefined): boolean {
  if (value === undefined) return true;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'type') continue;
    if (v === null || v === undefined || v === '') return true;
    if (Array.isArray(v) && v.length === 0) return true;
    if (key === 'rich_text_value' && isObj(v) && Array.isArray(v.elements) && v.elements.length === 0) return true;
  }
  return false;
}

/** The `actions[]` entry of a `block_actions` payload for an element. */
export function actionPayload(located: LocatedElement, state: Obj | undefined, actionTs: string): Obj {
  const { block, element } = located;
  const base: Obj = {
    type: element.type,
    block_id: block.block_id,
    action_id: element.action_id,
    action_ts: actionTs,
  };
  if (element.type === 'button' || element.type === 'workflow_button') {
    base.text = element.text;
    if (element.value !== undefined) base.value = element.value;
    if (element.style !== undefined) base.style = element.style;
    if (element.url !== undefined) base.url = element.url;
    return base;
  }
  if (state !== undefined) {
    for (const [key, v] of Object.entries(state)) if (key !== 'type') base[key] = v;
  }
  if (element.placeholder !== undefined) base.placeholder = element.placeholder;
  if (element.initial_option !== undefined) base.initial_option = element.initial_option;
  return base;
}
