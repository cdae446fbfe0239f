import assert from 'node:assert/strict';
import { deepEqual as looseDeepEqual } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalJson, canonicalJsonBytes } from './canonical-json.js';

const fromBits = (hex: string): number => new DataView(Uint8Array.from(Buffer.from(hex, 'hex')).buffer).getFloat64(0);

test('canonicalJson() reproduces the RFC 8785 §3.2.4 example', () => {
  const input = String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`;
  const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
  assert.equal(canonicalJson(JSON.parse(input)), expected);
});

test('canonicalJson() sorts the RFC 8785 §3.2.3 keys by UTF-16 code units', () => {
  const input = {
    '\u20ac': 'Euro Sign',
    '\r': 'Carriage Return',
    '\ufb33': 'Hebrew Letter Dalet With Dagesh',
    '1': 'One',
    '\ud83d\ude00': 'Emoji: Grinning Face',
    '\u0080': 'Control',
    '\u00f6': 'Latin Small Letter O With Diaeresis',
  };
  assert.equal(
    canonicalJson(input),
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
      '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  );
});

test('canonicalJson() sorts integer-like keys as strings, not in JavaScript enumeration order', () => {
  assert.equal(canonicalJson({ 2: 'b', 10: 'a', b: 1, a: 2, '': 0 }), '{"":0,"10":"a","2":"b","a":2,"b":1}');
});

test('canonicalJson() prints the RFC 8785 Appendix B numbers', () => {
  const cases: [bits: string, text: string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'], // -0
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];
  for (const [bits, text] of cases) assert.equal(canonicalJson(fromBits(bits)), text, `0x${bits}`);
  for (const [value, text] of [[1e30, '1e+30'], [4.5, '4.5'], [0.002, '0.002'], [1e-27, '1e-27'], [-0, '0'], [100, '100']] as const) {
    assert.equal(canonicalJson(value), text);
  }
});

test('canonicalJson() rejects the RFC 8785 Appendix B NaN and Infinity', () => {
  for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
    assert.throws(() => canonicalJson(fromBits(bits)), { name: 'TypeError', message: /^Cannot canonicalize \$: -?(NaN|Infinity) is not a finite number$/ });
  }
});

test('canonicalJson() escapes only quote, backslash and control characters, in lowercase hex', () => {
  for (let code = 0; code < 0x20; code++) {
    const s = String.fromCharCode(code);
    assert.equal(canonicalJson(s), JSON.stringify(s));
  }
  assert.equal(canonicalJson('\u001f\b\t\n\f\r'), '"\\u001f\\b\\t\\n\\f\\r"');
  assert.equal(canonicalJson('"\\/\u007f\u2028\u2029\ud83d\ude00'), '"\\"\\\\/\u007f\u2028\u2029\ud83d\ude00"');
});

test('canonicalJson() writes literals, empty containers and nesting without whitespace', () => {
  assert.equal(canonicalJson([null, true, false, {}, [], '', 0, { b: [{}], a: { d: null, c: [1, [2]] } }]), '[null,true,false,{},[],"",0,{"a":{"c":[1,[2]],"d":null},"b":[{}]}]');
  assert.equal(canonicalJson(Object.assign(Object.create(null) as object, { z: 1, y: 2 })), '{"y":2,"z":1}');
});

test('canonicalJsonBytes() is the UTF-8 encoding of canonicalJson()', () => {
  const bytes = canonicalJsonBytes({ b: '€', a: '\ud83d\ude00' });
  assert.equal(Buffer.from(bytes).toString('hex'), Buffer.from('{"a":"😀","b":"€"}', 'utf8').toString('hex'));
  assert.deepEqual([...canonicalJsonBytes('€')], [0x22, 0xe2, 0x82, 0xac, 0x22]);
});

test('canonicalJson() names the path of a non-finite number', () => {
  const event = { extents: [{ lat: 1 }, { lat: 2 }, { lat: Number.NaN }] };
  assert.throws(() => canonicalJson(event), { name: 'TypeError', message: 'Cannot canonicalize $.extents[2].lat: NaN is not a finite number' });
  assert.throws(() => canonicalJson({ 'a b': [Infinity] }), { message: 'Cannot canonicalize $["a b"][0]: Infinity is not a finite number' });
});

test('canonicalJson() rejects undefined, even as a property value, and says why', () => {
  assert.throws(() => canonicalJson(undefined), { name: 'TypeError', message: /^Cannot canonicalize \$: undefined is not JSON/ });
  assert.throws(() => canonicalJson({ a: 1, b: undefined }), { message: /^Cannot canonicalize \$\.b: undefined is not JSON \(log events never carry undefined/ });
  assert.throws(() => canonicalJson([1, undefined]), { message: /^Cannot canonicalize \$\[1\]: undefined/ });
  // eslint-disable-next-line no-sparse-arrays
  assert.throws(() => canonicalJson([1, , 3]), { message: /^Cannot canonicalize \$\[1\]: undefined/ });
});

test('canonicalJson() rejects functions, symbols and bigints', () => {
  assert.throws(() => canonicalJson({ f: () => 1 }), { name: 'TypeError', message: 'Cannot canonicalize $.f: a function is not JSON' });
  assert.throws(() => canonicalJson({ toJSON: () => 'x' }), { message: 'Cannot canonicalize $.toJSON: a function is not JSON' });
  assert.throws(() => canonicalJson([Symbol('s')]), { message: 'Cannot canonicalize $[0]: a symbol is not JSON' });
  assert.throws(() => canonicalJson({ n: 10n }), { message: /^Cannot canonicalize \$\.n: a bigint is not a JSON number/ });
  assert.throws(() => canonicalJson({ [Symbol('k')]: 1 }), { message: /^Cannot canonicalize \$: the object has a symbol-keyed property/ });
});

test('canonicalJson() rejects objects other than plain objects and arrays', () => {
  class Point { x = 1; }
  const cases: [unknown, RegExp][] = [
    [{ at: new Date(0) }, /^Cannot canonicalize \$\.at: a Date is not JSON/],
    [{ m: new Map() }, /^Cannot canonicalize \$\.m: a Map is not JSON/],
    [[new Set([1])], /^Cannot canonicalize \$\[0\]: a Set is not JSON/],
    [{ b: Buffer.from('x') }, /^Cannot canonicalize \$\.b: a Buffer is not JSON/],
    [{ u: new Uint8Array(2) }, /^Cannot canonicalize \$\.u: a Uint8Array is not JSON/],
    [new Point(), /^Cannot canonicalize \$: a Point is not JSON/],
    [{ n: new Number(1) }, /^Cannot canonicalize \$\.n: a Number is not JSON/],
    [{ r: /x/ }, /^Cannot canonicalize \$\.r: a RegExp is not JSON/],
  ];
  for (const [value, message] of cases) assert.throws(() => canonicalJson(value), { name: 'TypeError', message });
});

test('canonicalJson() rejects lone surrogates in strings and keys', () => {
  assert.throws(() => canonicalJson({ s: ['ok', 'a\ud800'] }), { name: 'TypeError', message: /^Cannot canonicalize \$\.s\[1\]: the string holds a lone surrogate/ });
  assert.throws(() => canonicalJson('\udc00\ud800'), { message: /^Cannot canonicalize \$: the string holds a lone surrogate/ });
  assert.throws(() => canonicalJson({ '\ude00x': 1 }), { message: /^Cannot canonicalize \$\["\\ude00x"\]: the key holds a lone surrogate/ });
});

test('canonicalJson() rejects cycles but accepts a shared subtree', () => {
  const loop: Record<string, unknown> = { a: 1 };
  loop['self'] = [loop];
  assert.throws(() => canonicalJson(loop), { name: 'TypeError', message: 'Cannot canonicalize $.self[0]: the value contains itself (a cycle)' });
  const shared = { x: 1 };
  assert.equal(canonicalJson({ a: shared, b: [shared] }), '{"a":{"x":1},"b":[{"x":1}]}');
});

const anyJson = fc.jsonValue({ stringUnit: 'binary' });

/** The same value with every object's keys inserted in the reverse order and rotated by `shift`. */
function reordered(value: unknown, shift: number): unknown {
  if (Array.isArray(value)) return value.map((item) => reordered(item, shift));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).reverse();
  const k = entries.length === 0 ? 0 : shift % entries.length;
  // fromEntries defines own properties, so a "__proto__" key stays a key.
  return Object.fromEntries([...entries.slice(k), ...entries.slice(0, k)].map(([key, item]) => [key, reordered(item, shift)]));
}

test('canonicalJson() is a fixed point through JSON.parse', () => {
  fc.assert(
    fc.property(anyJson, (value) => {
      const text = canonicalJson(value);
      assert.equal(canonicalJson(JSON.parse(text)), text);
      looseDeepEqual(JSON.parse(text), value); // loose: -0 reads back as 0
    }),
    { numRuns: 2_000 },
  );
});

test('canonicalJson() does not depend on key insertion order', () => {
  fc.assert(
    fc.property(anyJson, fc.nat(), (value, shift) => {
      assert.equal(canonicalJson(reordered(value, shift)), canonicalJson(value));
    }),
    { numRuns: 2_000 },
  );
});

test('canonicalJson() writes a flat object as its code-unit-sorted members', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.integer()), (record) => {
      const keys = Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      assert.equal(canonicalJson(record), `{${keys.map((key) => `${JSON.stringify(key)}:${record[key]}`).join(',')}}`);
    }),
  );
});

test('canonicalJson() accepts a string exactly when it has no lone surrogate, escaping it as JSON.stringify does', () => {
  const codeUnits = fc.array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xd7f0, max: 0xe010 })), { maxLength: 12 });
  fc.assert(
    fc.property(codeUnits, (units) => {
      const text = String.fromCharCode(...units);
      const wellFormed = Buffer.from(text, 'utf8').toString('utf8') === text;
      if (wellFormed) assert.equal(canonicalJson(text), JSON.stringify(text));
      else assert.throws(() => canonicalJson(text), TypeError);
    }),
    { numRuns: 5_000 },
  );
});
