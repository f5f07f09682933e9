/** A JSON syntax error, with where it is. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
    this.name = 'JsonSyntaxError';
  }
}

/** Parsed JSON, and the line each value starts on, by path (`tickets[2].status`). */
export interface LocatedJson {
  value: unknown;
  lines: Map<string, number>;
}

/**
 * Parses JSON like `JSON.parse`, remembering on which line every value starts, so a problem found later in
 * a big file can be reported with its line.
 */
export function parseLocatedJson(text: string): LocatedJson {
  const lines = new Map<string, number>();
  let at = 0;
  let line = 1;
  let lineStart = 0;

  const fail = (message: string): never => {
    throw new JsonSyntaxError(message, line, at - lineStart + 1);
  };
  const skipSpace = () => {
    while (at < text.length) {
      const c = text[at]!;
      if (c === '\n') {
        line++;
        lineStart = at + 1;
      } else if (c !== ' ' && c !== '\t' && c !== '\r') break;
      at++;
    }
  };
  const expect = (c: string) => {
    if (text[at] !== c) fail(`expected "${c}" but found ${at < text.length ? `"${text[at]}"` : 'the end of the file'}`);
    at++;
  };

  const parseString = (): string => {
    expect('"');
    let out = '';
    for (;;) {
      if (at >= text.length) fail('unterminated string');
      const c = text[at++]!;
      if (c === '"') return out;
      if (c === '\n') fail('line break inside a string');
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[at++];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e && e in simple) out += simple[e];
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at, at + 4))) {
        out += String.fromCharCode(parseInt(text.slice(at, at + 4), 16));
        at += 4;
      } else fail('bad escape in a string');
    }
  };

  const parseValue = (path: string): unknown => {
    skipSpace();
    lines.set(path, line);
    const c = text[at];
    if (c === '{') {
      at++;
      const object: Record<string, unknown> = {};
      skipSpace();
      if (text[at] === '}') {
        at++;
        return object;
      }
      for (;;) {
        skipSpace();
        const key = parseString();
        skipSpace();
        expect(':');
        object[key] = parseValue(path ? `${path}.${key}` : key);
        skipSpace();
        if (text[at] === ',') {
          at++;
          continue;
        }
        expect('}');
        return object;
      }
    }
    if (c === '[') {
      at++;
      const array: unknown[] = [];
      skipSpace();
      if (text[at] === ']') {
        at++;
        return array;
      }
      for (;;) {
        array.push(parseValue(`${path}[${array.length}]`));
        skipSpace();
        if (text[at] === ',') {
          at++;
          continue;
        }
        expect(']');
        return array;
      }
    }
    if (c === '"') return parseString();
    const literal = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(at, at + 64));
    if (!literal) return fail(at >= text.length ? 'unexpected end of the file' : `unexpected "${c}"`);
    at += literal[0].length;
    return literal[0] === 'true' ? true : literal[0] === 'false' ? false : literal[0] === 'null' ? null : Number(literal[0]);
  };

  const value = parseValue('');
  skipSpace();
  if (at < text.length) fail('unexpected text after the end of the JSON value');
  return { value, lines };
}
