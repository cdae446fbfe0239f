/*
 * JSON text that reads back exactly as written. JSON.stringify turns NaN and ±Infinity into
 * null, -0 into 0, a Date into a string and `undefined` in an array into null, all silently;
 * this writer refuses each of those instead (naming the value's path) and keeps -0, which
 * JSON.parse restores.
 */

/** The JSON text of `value`; throws naming `what` and the path when JSON cannot hold it exactly. */
export function toExactJson(value: unknown, what: string): string {
  const out: string[] = [];
  write(value, '', out, what, []);
  return out.join('');
}

function write(value: unknown, path: string, out: string[], what: string, ancestors: object[]): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value)); // escapes lone surrogates, which JSON.parse restores
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw refuse(what, path, String(value));
      out.push(Object.is(value, -0) ? '-0' : String(value));
      return;
    case 'object':
      if (value === null) {
        out.push('null');
        return;
      }
      if (ancestors.includes(value)) throw refuse(what, path, 'a reference to itself (a cycle)');
      ancestors.push(value);
      if (Array.isArray(value)) writeArray(value, path, out, what, ancestors);
      else writeObject(value, path, out, what, ancestors);
      ancestors.pop();
      return;
    default:
      throw refuse(what, path, typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`);
  }
}

function writeArray(value: readonly unknown[], path: string, out: string[], what: string, ancestors: object[]): void {
  out.push('[');
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out.push(',');
    write(value[i], `${path}[${i}]`, out, what, ancestors);
  }
  out.push(']');
}

function writeObject(value: object, path: string, out: string[], what: string, ancestors: object[]): void {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw refuse(what, path, `a ${value.constructor?.name ?? 'non-plain'} object`);
  }
  out.push('{');
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    // An absent and an undefined property read alike; JSON keeps neither.
    if (item === undefined) continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    write(item, `${path}.${key}`, out, what, ancestors);
  }
  out.push('}');
}

function refuse(what: string, path: string, found: string): Error {
  const where = path === '' ? 'the value' : path.replace(/^\./, '');
  return new Error(`Cannot store ${what}: ${where} is ${found}, which JSON cannot hold exactly`);
}
