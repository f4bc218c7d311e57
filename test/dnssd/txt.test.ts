import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { TxtError } from '../../src/errors.js';
import { thrown } from '../helpers/errors.js';
import {
  TXT_KEY_RECOMMENDED_MAX_CHARS,
  TXT_MAX_STRING_BYTES,
  TXT_RECOMMENDED_MAX_BYTES,
  decodeTxt,
  decodeTxtBinary,
  decodeTxtEntries,
  encodeTxt,
  txtRdataLength,
  txtWarnings,
  type TxtInput,
} from '../../src/dnssd/txt.js';

const enc = new TextEncoder();
const bytes = (s: string): Uint8Array => enc.encode(s);
const text = (strings: Uint8Array[]): string[] => strings.map((s) => Buffer.from(s).toString('latin1'));

const txtError = (fn: () => unknown): TxtError => thrown(TxtError, fn);

describe('encodeTxt', () => {
  it('encodes key=value, boolean keys, empty values and omits false/null/undefined', () => {
    const out = encodeTxt({ path: '/x', flag: true, empty: '', off: false, nul: null, undef: undefined });
    expect(text(out)).toEqual(['path=/x', 'flag', 'empty=']);
  });

  it('encodes values as UTF-8', () => {
    expect(encodeTxt({ n: 'é€' })).toEqual([new Uint8Array([0x6e, 0x3d, 0xc3, 0xa9, 0xe2, 0x82, 0xac])]);
  });

  it('encodes numbers as decimal strings and rejects non-finite numbers', () => {
    expect(text(encodeTxt({ a: 42, b: -1.5, c: 0 }))).toEqual(['a=42', 'b=-1.5', 'c=0']);
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(txtError(() => encodeTxt({ a: bad })).code).toBe('BAD_VALUE');
    }
  });

  it('encodes binary values verbatim, including 0x00, 0xff and "="', () => {
    const value = new Uint8Array([0x00, 0xff, 0x3d, 0x3d, 0x01]);
    const [s] = encodeTxt({ bin: value });
    expect(s).toEqual(new Uint8Array([0x62, 0x69, 0x6e, 0x3d, 0x00, 0xff, 0x3d, 0x3d, 0x01]));
    expect(encodeTxt({ bin: Buffer.from([0xff]) })).toEqual([new Uint8Array([0x62, 0x69, 0x6e, 0x3d, 0xff])]);
    expect(decodeTxtBinary(encodeTxt({ bin: value })).bin).toEqual(value);
  });

  it('keeps "=" inside string values', () => {
    expect(text(encodeTxt({ q: 'a=b=c' }))).toEqual(['q=a=b=c']);
    expect(decodeTxt(encodeTxt({ q: 'a=b=c' }))).toEqual({ q: 'a=b=c' });
  });

  it('preserves key order, for records and for pairs', () => {
    expect(text(encodeTxt({ z: '1', a: '2', m: true }))).toEqual(['z=1', 'a=2', 'm']);
    const pairs: Array<[string, string]> = [
      ['b', '1'],
      ['a', '2'],
      ['2', '3'],
      ['1', '4'],
    ];
    expect(text(encodeTxt(pairs))).toEqual(['b=1', 'a=2', '2=3', '1=4']);
    expect(text(encodeTxt(new Map(pairs)))).toEqual(['b=1', 'a=2', '2=3', '1=4']);
  });

  it('returns no strings when no key is present', () => {
    expect(encodeTxt({})).toEqual([]);
    expect(encodeTxt({ a: false })).toEqual([]);
  });

  it('rejects an empty key', () => {
    expect(txtError(() => encodeTxt({ '': 'x' })).code).toBe('EMPTY_KEY');
  });

  it.each([
    ['a=b', '"="'],
    ['café', 'U+00E9'],
    ['tab\there', '0x09'],
    ['nul\u0000', '0x00'],
    ['del\u007f', '0x7F'],
    ['emoji😀', 'U+1F600'],
  ])('rejects key %j and names the character', (key, named) => {
    const err = txtError(() => encodeTxt({ [key]: 'x' }));
    expect(err.code).toBe('BAD_KEY');
    expect(err.message).toContain(named);
    expect(err.message).toContain('0x20-0x7E');
  });

  it('accepts every printable ASCII key character except "=", including spaces', () => {
    let key = '';
    for (let c = 0x20; c <= 0x7e; c++) if (c !== 0x3d) key += String.fromCharCode(c);
    expect(text(encodeTxt([[key, true]]))).toEqual([key]);
  });

  it('rejects keys that differ only in case, even when one is omitted', () => {
    const err = txtError(() => encodeTxt({ Path: '/a', path: '/b' }));
    expect(err.code).toBe('DUPLICATE_KEY');
    expect(err.message).toContain('"Path"');
    expect(txtError(() => encodeTxt({ a: false, A: 'x' })).code).toBe('DUPLICATE_KEY');
    expect(
      txtError(() =>
        encodeTxt([
          ['k', 1],
          ['k', 2],
        ]),
      ).code,
    ).toBe('DUPLICATE_KEY');
  });

  it('rejects strings with lone surrogates and unsupported value types', () => {
    expect(txtError(() => encodeTxt({ a: '\ud800' })).code).toBe('BAD_VALUE');
    const bad = { a: { nested: 1 } } as unknown as TxtInput;
    expect(txtError(() => encodeTxt(bad)).code).toBe('BAD_VALUE');
    expect(txtError(() => encodeTxt({ a: 1n } as unknown as TxtInput)).code).toBe('BAD_VALUE');
  });

  it('allows exactly 255 bytes per string and rejects 256', () => {
    expect(encodeTxt({ k: 'x'.repeat(253) })[0]).toHaveLength(255);
    const err = txtError(() => encodeTxt({ k: 'x'.repeat(254) }));
    expect(err.code).toBe('STRING_TOO_LONG');
    expect(err.message).toContain('"k"');
    expect(err.message).toContain('256 bytes');
    expect(err.message).toContain(String(TXT_MAX_STRING_BYTES));
    expect(err.message).toMatch(/shorten/i);
    // A boolean key alone is also bounded.
    expect(encodeTxt([['k'.repeat(255), true]])[0]).toHaveLength(255);
    expect(txtError(() => encodeTxt([['k'.repeat(256), true]])).code).toBe('STRING_TOO_LONG');
  });

  it('counts UTF-8 bytes, not characters, against the 255-byte limit', () => {
    // "k=" is 2 bytes; "é" is 2 bytes: 2 + 2*126 + 1 = 255; 2 + 2*127 = 256.
    expect(encodeTxt({ k: 'é'.repeat(126) + 'x' })[0]).toHaveLength(255);
    expect(txtError(() => encodeTxt({ k: 'é'.repeat(127) })).code).toBe('STRING_TOO_LONG');
    expect(txtError(() => encodeTxt({ k: '€'.repeat(85) })).code).toBe('STRING_TOO_LONG'); // 2 + 255
    expect(encodeTxt({ k: new Uint8Array(253) })[0]).toHaveLength(255);
    expect(txtError(() => encodeTxt({ k: new Uint8Array(254) })).code).toBe('STRING_TOO_LONG');
  });

  it('reports warnings through onWarning', () => {
    const warnings: string[] = [];
    encodeTxt({ averylongkey: '1', ok: '2' }, { onWarning: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"averylongkey"');
    expect(warnings[0]).toContain(String(TXT_KEY_RECOMMENDED_MAX_CHARS));
    // No callback: warnings are silent.
    expect(() => encodeTxt({ averylongkey: '1' })).not.toThrow();
  });
});

describe('txtWarnings', () => {
  /** Strings making an rdata of exactly `total` bytes (total >= 10), in chunks of 200. */
  function ofSize(total: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let left = total, i = 0; left > 0; i++) {
      const chunk = left >= 210 ? 200 : left;
      out.push(bytes(`k${i}=`.padEnd(chunk - 1, 'v')));
      left -= chunk;
    }
    expect(txtRdataLength(out)).toBe(total);
    return out;
  }

  it('is quiet for a small, clean record', () => {
    expect(txtWarnings(encodeTxt({ path: '/', txtvers: '1' }))).toEqual([]);
    expect(txtWarnings(ofSize(400))).toEqual([]);
  });

  it('warns about keys longer than 9 characters but not at 9', () => {
    expect(txtWarnings([bytes('ninechars=1')])).toEqual([]);
    expect(txtWarnings([bytes('tencharsXX=1')])).toHaveLength(1);
  });

  it('notes records over 400 bytes and warns over 1300 bytes', () => {
    const mid = txtWarnings(ofSize(401));
    expect(mid).toHaveLength(1);
    expect(mid[0]).toContain('512-byte');
    const edge = txtWarnings(ofSize(TXT_RECOMMENDED_MAX_BYTES));
    expect(edge).toHaveLength(1);
    expect(edge[0]).toContain('1300 bytes');
    expect(edge[0]).not.toContain('NOT RECOMMENDED');
    const big = txtWarnings(ofSize(TXT_RECOMMENDED_MAX_BYTES + 1));
    expect(big).toHaveLength(1);
    expect(big[0]).toContain('1301 bytes');
    expect(big[0]).toContain('NOT RECOMMENDED');
    expect(big[0]).toContain('packet');
  });

  it('reports strings that receivers would ignore', () => {
    const w = txtWarnings([bytes(''), bytes('=x'), new Uint8Array([0x01, 0x3d]), bytes('a=1'), bytes('A=2')]);
    expect(w).toHaveLength(4);
    expect(w.join('\n')).toMatch(/empty.*\n.*"=".*\n.*ASCII.*\n.*"A".*more than once/);
  });

  it('warns about significant leading or trailing spaces in keys', () => {
    expect(txtWarnings([bytes(' a=1')])[0]).toContain('space');
  });

  it('computes rdata length including length bytes, and 1 for an empty record', () => {
    expect(txtRdataLength([])).toBe(1);
    expect(txtRdataLength([bytes('a=1'), bytes('')])).toBe(5);
  });
});

describe('decodeTxt', () => {
  it('decodes values, boolean attributes and empty values with lower-cased keys', () => {
    const out = decodeTxt([bytes('Path=/X'), bytes('Flag'), bytes('Empty=')]);
    expect(out).toEqual({ path: '/X', flag: true, empty: '' });
  });

  it('keeps the first occurrence of a key, ignoring case', () => {
    const strings = [bytes('Key=first'), bytes('KEY=second'), bytes('key')];
    expect(decodeTxt(strings)).toEqual({ key: 'first' });
    expect(decodeTxtEntries(strings)).toEqual([{ key: 'Key', value: bytes('first') }]);
  });

  it('ignores empty strings and strings starting with "="', () => {
    const strings = [new Uint8Array(0), bytes('=value'), bytes('='), bytes('a=1')];
    expect(decodeTxtEntries(strings)).toEqual([{ key: 'a', value: bytes('1') }]);
  });

  it('skips keys with non-printable or non-ASCII bytes, without shadowing later keys', () => {
    const strings = [
      new Uint8Array([0x61, 0x00, 0x3d, 0x31]), // "a\0=1"
      new Uint8Array([0x62, 0x7f]), // "b\x7f"
      new Uint8Array([0xc3, 0x28, 0x3d, 0x31]), // invalid UTF-8 key
      new Uint8Array([0xc3, 0xa9, 0x3d, 0x31]), // "é=1" (valid UTF-8, not ASCII)
      bytes('A=ok'),
    ];
    expect(decodeTxt(strings)).toEqual({ a: 'ok' });
  });

  it('returns entries with null for boolean attributes and copies of values', () => {
    const packet = bytes('k=v');
    const [entry] = decodeTxtEntries([packet, bytes('b')].map((s) => s));
    packet[2] = 0x77;
    expect(entry).toEqual({ key: 'k', value: bytes('v') });
    expect(decodeTxtEntries([bytes('b')])).toEqual([{ key: 'b', value: null }]);
  });

  it('decodes invalid UTF-8 values with U+FFFD and keeps a leading BOM', () => {
    expect(decodeTxt([new Uint8Array([0x76, 0x3d, 0xff, 0x61])])).toEqual({ v: '\ufffda' });
    expect(decodeTxt([new Uint8Array([0x76, 0x3d, 0xef, 0xbb, 0xbf])])).toEqual({ v: '\ufeff' });
  });

  it('gives binary values as bytes with decodeTxtBinary', () => {
    const out = decodeTxtBinary([new Uint8Array([0x42, 0x3d, 0x00, 0xff]), bytes('F')]);
    expect(out).toEqual({ b: new Uint8Array([0x00, 0xff]), f: true });
  });

  it('treats keys like __proto__ and constructor as plain keys', () => {
    const out = decodeTxt([bytes('__proto__=x'), bytes('constructor=y')]);
    expect(Object.keys(out)).toEqual(['__proto__', 'constructor']);
    expect(out['__proto__']).toBe('x');
    expect(decodeTxt([bytes('a=1')])['toString']).toBeUndefined();
  });

  it('tolerates garbage elements', () => {
    const garbage = [null, 'text', 42, bytes('a=1')] as unknown as Uint8Array[];
    expect(decodeTxt(garbage)).toEqual({ a: '1' });
  });
});

describe('TXT properties', () => {
  const key = fc
    .string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_. '),
      minLength: 1,
      maxLength: 12,
    })
    .filter((k) => k.length > 0);
  const value = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => Buffer.byteLength(s) <= 200),
    fc.boolean(),
    fc.constant(null),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
  const input = fc.uniqueArray(fc.tuple(key, value), {
    selector: ([k]) => k.toLowerCase(),
    maxLength: 20,
  });

  it('decodeTxt(encodeTxt(x)) gives back the values with lower-cased keys', () => {
    fc.assert(
      fc.property(input, (pairs) => {
        // fromEntries defines own properties, so a generated "__proto__" key stays a key.
        const expected: Record<string, string | true> = Object.fromEntries(
          pairs
            .filter(([, v]) => v !== false && v !== null)
            .map(([k, v]) => [k.toLowerCase(), v === true ? true : String(v)]),
        );
        const decoded = decodeTxt(encodeTxt(pairs));
        expect({ ...decoded }).toEqual(expected);
        expect(Object.keys(decoded)).toEqual(Object.keys(expected));
      }),
    );
  });

  it('round-trips binary values', () => {
    const binInput = fc.uniqueArray(fc.tuple(key, fc.uint8Array({ maxLength: 100 })), {
      selector: ([k]) => k.toLowerCase(),
      maxLength: 10,
    });
    fc.assert(
      fc.property(binInput, (pairs) => {
        const decoded = decodeTxtBinary(encodeTxt(pairs));
        for (const [k, v] of pairs) expect(decoded[k.toLowerCase()]).toEqual(v);
      }),
    );
  });

  it('decoding never throws on arbitrary byte strings', () => {
    const byteString = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc
        .array(fc.constantFrom(0x00, 0x3d, 0x41, 0x61, 0x7f, 0xff, 0xc3), { maxLength: 12 })
        .map((a) => new Uint8Array(a)),
    );
    fc.assert(
      fc.property(fc.array(byteString, { maxLength: 30 }), (strings) => {
        const entries = decodeTxtEntries(strings);
        decodeTxt(strings);
        decodeTxtBinary(strings);
        txtWarnings(strings);
        const keys = entries.map((e) => e.key.toLowerCase());
        expect(new Set(keys).size).toBe(keys.length);
        for (const e of entries) expect(e.key).toMatch(/^[\x20-\x3c\x3e-\x7e]+$/);
      }),
    );
  });
});
