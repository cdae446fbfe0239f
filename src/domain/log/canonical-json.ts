/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte string a log entry hashes to.
 * Keys sort by UTF-16 code units, numbers print as ECMAScript's Number#toString, strings escape
 * as JSON.stringify does, and nothing else is written. Anything that JSON cannot carry exactly
 * (NaN, undefined, a lone surrogate, a Date or Map) is refused with its path rather than being
 * dropped or coerced, so two parties never hash different bytes for what they think is one event.
 */

/** The canonical JSON text of `value`; throws TypeError naming the path of the first value JSON cannot carry. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, ROOT, out, new Set());
  return out.join('');
}

/** Where a value sits, as a chain to the root; spelled out ($.a[2]) only for an error. */
interface Path {
  readonly parent: Path | undefined;
  readonly key: string | number;
}

const ROOT: Path = { parent: undefined, key: '$' };

function spell(path: Path): string {
  if (path.parent === undefined) return String(path.key);
  const key = path.key;
  return typeof key === 'number' ? `${spell(path.parent)}[${key}]` : childPath(spell(path.parent), key);
}

/** The UTF-8 bytes of `canonicalJson(value)`: what gets hashed or signed. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

function write(value: unknown, path: Path, out: string[], ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
      if (!isWellFormed(value)) fail(path, 'the string holds a lone surrogate, which has no UTF-8 encoding');
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) fail(path, `${value} is not a finite number`);
      out.push(JSON.stringify(value)); // Number#toString for finite numbers; -0 prints "0"
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'undefined':
      fail(path, 'undefined is not JSON (log events never carry undefined: omit the property instead)');
    case 'bigint':
      fail(path, 'a bigint is not a JSON number (write it as a string or a safe integer)');
    case 'symbol':
    case 'function':
      fail(path, `a ${typeof value} is not JSON`);
    case 'object':
      break;
  }
  if (value === null) {
    out.push('null');
    return;
  }
  if (ancestors.has(value)) fail(path, 'the value contains itself (a cycle)');
  ancestors.add(value);
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      write(value[i], { parent: path, key: i }, out, ancestors);
    }
    out.push(']');
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (value as { constructor?: { name?: unknown } }).constructor?.name;
      fail(path, `${typeof kind === 'string' && kind !== '' ? `a ${kind}` : 'a non-plain object'} is not JSON (only plain objects and arrays are)`);
    }
    if (Object.getOwnPropertySymbols(value).some((key) => Object.prototype.propertyIsEnumerable.call(value, key))) {
      fail(path, 'the object has a symbol-keyed property, which JSON cannot carry');
    }
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, exactly as RFC 8785 §3.2.3 asks.
    const keys = Object.keys(record).sort();
    out.push('{');
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const keyPath: Path = { parent: path, key };
      if (!isWellFormed(key)) fail(keyPath, 'the key holds a lone surrogate, which has no UTF-8 encoding');
      if (i > 0) out.push(',');
      out.push(JSON.stringify(key), ':');
      write(record[key], keyPath, out, ancestors);
    }
    out.push('}');
  }
  ancestors.delete(value);
}

function fail(path: Path, rule: string): never {
  throw new TypeError(`Cannot canonicalize ${spell(path)}: ${rule}`);
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

const nativeIsWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;

/** True when every surrogate is half of a pair (String#isWellFormed: ES2024, in Node 20's V8, past our TS lib). */
function isWellFormed(text: string): boolean {
  return nativeIsWellFormed !== undefined ? nativeIsWellFormed.call(text) : !/\p{Surrogate}/u.test(text);
}
