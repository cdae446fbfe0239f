/**
 * The disclosure policy file (docs/disclosure-policy.md): JSON (`.json`) or YAML (`.yaml`, `.yml`);
 * any other name is read as JSON. YAML is read strictly: one document, unique keys, the YAML 1.2
 * core schema and no tags beyond it, few aliases. Syntax errors name the file and line:column;
 * schema problems are parsePolicy's, every one listed.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { PolicyError, parsePolicy, type DisclosurePolicy } from '../domain/disclosure/policy.js';
import { ConfigFileError } from './config-file-error.js';

/** Aliases a policy may resolve (sharing a peer's rules needs a few; exponential expansion needs many). */
const MAX_ALIAS_COUNT = 16;

/** Reads and validates a disclosure policy file; throws ConfigFileError listing every problem. */
export async function loadPolicyFile(path: string): Promise<DisclosurePolicy> {
  const source = `policy file "${path}"`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigFileError(source, [`cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const ext = extname(path).toLowerCase();
  const isYaml = ext === '.yaml' || ext === '.yml';
  if (text.trim() === '') throw new ConfigFileError(source, ['the file is empty; a policy holds at least {"version": 1}']);
  const value = isYaml ? parseYaml(text, path, source) : parseJson(text, path, source, { guessed: ext !== '.json' });
  try {
    return deepFreeze(parsePolicy(value));
  } catch (error) {
    if (error instanceof PolicyError) throw new ConfigFileError(source, error.problems);
    throw error;
  }
}

function parseYaml(text: string, path: string, source: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    resolveKnownTags: false, // no !!binary, !!set, !!timestamp…: plain JSON-like values only
    merge: false,
    uniqueKeys: true,
    stringKeys: true,
    strict: true,
    prettyErrors: false,
    lineCounter,
  });
  // A tag the schema does not know is only a warning to the yaml package; here it is an error.
  const problems = [...doc.errors, ...doc.warnings].map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return `${path}:${line}:${col}: not valid YAML: ${e.message}`;
  });
  if (problems.length > 0) throw new ConfigFileError(source, problems);
  if (doc.contents === null) throw new ConfigFileError(source, ['the file holds no YAML value (only comments?); a policy holds at least "version: 1"']);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // Aliases are resolved here: one without its anchor, or too many uses of them.
    const message = (error as Error).message;
    const limit = /alias count/i.test(message) ? ` (at most ${MAX_ALIAS_COUNT} alias uses)` : '';
    throw new ConfigFileError(source, [`not usable YAML: ${message}${limit}`]);
  }
}

function parseJson(text: string, path: string, source: string, options: { readonly guessed: boolean }): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    const message = (error as Error).message;
    const at = /at position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : message.startsWith('Unexpected end') ? body.length : jsonErrorOffset(body);
    const { line, col } = linePos(body, offset);
    // V8 quotes the text around an unexpected token: keep the token, drop the quote and the position.
    const what = message.replace(/, .*is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '');
    const why = options.guessed ? ` (the name does not end in .json, .yaml or .yml, so it was read as JSON)` : '';
    throw new ConfigFileError(source, [`${path}:${line}:${col}: not valid JSON${why}: ${what}`]);
  }
}

/** 1-based line and column of `offset` in `text`. */
function linePos(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, col: offset - lineStart + 1 };
}

const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const LITERAL_PREFIX = /t(?:ru?)?|f(?:a(?:ls?)?)?|n(?:ul?)?/y;
const SPACE = /[ \t\n\r]*/y;

/**
 * Where JSON.parse stopped, for the errors whose message does not say (V8's "Unexpected token"):
 * the offset of the first token that does not fit the JSON grammar.
 */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const eat = (re: RegExp): boolean => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (m === null) return false;
    i += m[0].length;
    return true;
  };
  const expect = (c: string): void => {
    eat(SPACE);
    if (text[i] !== c) throw i;
    i++;
  };
  const value = (): void => {
    eat(SPACE);
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      eat(SPACE);
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          eat(SPACE);
          if (!eat(STRING)) throw i;
          expect(':');
        }
        value();
        eat(SPACE);
        if (text[i] === ',') i++;
        else return expect(close);
      }
    }
    if (eat(STRING) || eat(NUMBER) || eat(LITERAL)) return;
    eat(LITERAL_PREFIX); // V8 names the token after "tru", not its start
    throw i;
  };
  try {
    value();
    eat(SPACE);
    return i;
  } catch (offset) {
    return typeof offset === 'number' ? offset : 0; // too deep to scan: say where it starts
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
