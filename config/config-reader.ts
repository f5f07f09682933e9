/** One thing wrong in the configuration: where, what, and how to fix it. */
export interface ConfigProblem {
  path: string;
  message: string;
  fix: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

/**
 * Reads untrusted JSON field by field, collecting every problem with its path instead of stopping at
 * the first, so one run of the loader lists everything to fix.
 */
export class ConfigReader {
  readonly problems: ConfigProblem[] = [];

  problem(path: string, message: string, fix: string): void {
    this.problems.push({ path, message, fix });
  }

  /** An object with only the given keys; unknown keys are reported with the nearest known one. */
  object(value: unknown, path: string, known: readonly string[], required = true): JsonObject | null {
    if (value === undefined && !required) return null;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.problem(path, `must be an object, got ${describe(value)}`, `write it as { ... } with the keys: ${known.join(', ')}`);
      return null;
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key) && !key.startsWith('$') && !key.startsWith('//')) {
        const suggestion = closest(key, known);
        this.problem(
          `${path}.${key}`,
          'is not a setting the bot knows',
          suggestion ? `did you mean "${suggestion}"? Rename it.` : `remove it; known keys here: ${known.join(', ')}`,
        );
      }
    }
    return value as JsonObject;
  }

  array(value: unknown, path: string, options: { required?: boolean; min?: number; max?: number; what: string }): unknown[] | null {
    if (value === undefined && !options.required) return null;
    if (!Array.isArray(value)) {
      this.problem(path, `must be a list of ${options.what}, got ${describe(value)}`, `write it as [ ... ]`);
      return null;
    }
    if (options.min !== undefined && value.length < options.min) {
      this.problem(path, `needs at least ${options.min} ${options.what}, has ${value.length}`, `add ${options.what}`);
    }
    if (options.max !== undefined && value.length > options.max) {
      this.problem(path, `has ${value.length} ${options.what}, at most ${options.max} are possible`, `remove ${value.length - options.max}`);
    }
    return value;
  }

  string(
    value: unknown,
    path: string,
    options: { required?: boolean; pattern?: RegExp; patternHint?: string; min?: number; max?: number; fix?: string } = {},
  ): string | null {
    if (value === undefined || value === null) {
      if (options.required) this.problem(path, 'is required', options.fix ?? 'add it');
      return null;
    }
    if (typeof value !== 'string') {
      this.problem(path, `must be text, got ${describe(value)}`, options.fix ?? 'put it in double quotes');
      return null;
    }
    const length = [...value].length;
    if (options.min !== undefined && length < options.min) {
      this.problem(path, options.min === 1 ? 'must not be empty' : `must be at least ${options.min} characters`, options.fix ?? 'fill it in');
      return null;
    }
    if (options.max !== undefined && length > options.max) {
      this.problem(path, `is ${length} characters long, at most ${options.max} fit`, options.fix ?? `shorten it to ${options.max} characters`);
      return null;
    }
    if (options.pattern && !options.pattern.test(value)) {
      this.problem(path, `must be ${options.patternHint ?? `like ${options.pattern}`}, got ${describe(value)}`, options.fix ?? 'correct it');
      return null;
    }
    return value;
  }

  integer(value: unknown, path: string, options: { min: number; max: number; fallback: number; fix?: string }): number {
    if (value === undefined) return options.fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < options.min || value > options.max) {
      this.problem(
        path,
        `must be a whole number from ${options.min} to ${options.max}, got ${describe(value)}`,
        options.fix ?? `set a number between ${options.min} and ${options.max}, or remove it for the default (${options.fallback})`,
      );
      return options.fallback;
    }
    return value;
  }

  boolean(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') {
      this.problem(path, `must be true or false, got ${describe(value)}`, 'write true or false, without quotes');
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      const suggestion = typeof value === 'string' ? closest(value, allowed) : null;
      this.problem(path, `must be one of ${allowed.join(', ')}, got ${describe(value)}`, suggestion ? `did you mean "${suggestion}"?` : `pick one of ${allowed.join(', ')}`);
      return fallback;
    }
    return value as T;
  }

  /** A list of ids of one kind; bad entries are reported and dropped. */
  ids(value: unknown, path: string, pattern: RegExp, what: string, fix: string): string[] {
    const list = this.array(value, path, { what });
    if (!list) return [];
    const ids: string[] = [];
    list.forEach((item, i) => {
      const id = this.string(item, `${path}[${i}]`, { required: true, pattern, patternHint: what, fix });
      if (id) ids.push(id);
    });
    return ids;
  }
}
