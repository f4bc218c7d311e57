import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WireEncodeError } from '../../src/errors.js';
import { thrown } from '../helpers/errors.js';
import {
  escapeLabel,
  joinName,
  labelsToName,
  nameKey,
  namesEqual,
  nameToLabels,
  nameWireLength,
  parseWireName,
  splitName,
} from '../../src/wire/name.js';

const text = (labels: Uint8Array[]): string[] => labels.map((l) => Buffer.from(l).toString('utf8'));

const encodeError = (fn: () => unknown): WireEncodeError => thrown(WireEncodeError, fn);

describe('names in presentation form', () => {
  it('splits plain names and ignores one trailing dot', () => {
    expect(text(nameToLabels('host.local'))).toEqual(['host', 'local']);
    expect(text(nameToLabels('host.local.'))).toEqual(['host', 'local']);
    expect(nameToLabels('')).toEqual([]);
    expect(nameToLabels('.')).toEqual([]);
  });

  it('RFC 6763 §4.3: instance names with dots, spaces, UTF-8 and backslashes round-trip', () => {
    const instances = [
      'My Printer. Floor 2',
      'back\\slash',
      'Café ☕ 東京',
      'a.b.c',
      'trailing.',
      '.leading',
      ' spaces ',
    ];
    for (const instance of instances) {
      const name = `${escapeLabel(instance)}._http._tcp.local`;
      expect(joinName([instance, '_http', '_tcp', 'local'])).toBe(name);
      const labels = nameToLabels(name);
      expect(labels.length).toBe(4);
      expect(Buffer.from(labels[0] as Uint8Array).toString('utf8')).toBe(instance);
      expect(splitName(name)).toEqual([instance, '_http', '_tcp', 'local']);
      expect(labelsToName(labels)).toBe(name);
    }
    expect(escapeLabel('My Printer. Floor 2')).toBe('My Printer\\. Floor 2');
    expect(escapeLabel('a\\b')).toBe('a\\\\b');
  });

  it('decimal escapes: \\DDD reads any byte and non-UTF-8 bytes print as \\DDD', () => {
    expect(Array.from(nameToLabels('a\\046b')[0] as Uint8Array)).toEqual([0x61, 0x2e, 0x62]);
    const raw = [new Uint8Array([0xff, 0x00, 0x41, 0x2e, 0x5c, 0x7f])];
    const name = labelsToName(raw);
    expect(name).toBe('\\255\\000A\\.\\\\\\127');
    expect(nameToLabels(name)).toEqual(raw);
  });

  it('a leading UTF-8 byte-order mark in a label is kept, not stripped', () => {
    const label = Uint8Array.of(0xef, 0xbb, 0xbf, 0x41);
    expect(nameToLabels(labelsToName([label]))).toEqual([label]);
    expect(namesEqual('\\239\\187\\191a.local', 'A.local')).toBe(false);
    expect(joinName(['\uFEFFPrinter', 'local'])).toBe('\uFEFFPrinter.local');
    expect(splitName('\uFEFFPrinter.local')).toEqual(['\uFEFFPrinter', 'local']);
  });

  it('rejects bad escapes with a typed error', () => {
    expect(encodeError(() => nameToLabels('abc\\')).code).toBe('BAD_ESCAPE');
    expect(encodeError(() => nameToLabels('a\\25')).code).toBe('BAD_ESCAPE');
    expect(encodeError(() => nameToLabels('a\\256')).code).toBe('BAD_ESCAPE');
  });

  it('rejects empty labels', () => {
    expect(encodeError(() => nameToLabels('a..b')).code).toBe('EMPTY_LABEL');
    expect(encodeError(() => nameToLabels('.a')).code).toBe('EMPTY_LABEL');
  });

  it('labels are at most 63 bytes, counted in UTF-8 bytes', () => {
    expect(nameToLabels(`${'x'.repeat(63)}.local`)[0]?.length).toBe(63);
    const error = encodeError(() => nameToLabels(`${'x'.repeat(64)}.local`));
    expect(error.code).toBe('LABEL_TOO_LONG');
    expect(error.message).toMatch(/64 bytes.*63/);
    // 21 three-byte characters = 63 bytes; 22 = 66 bytes.
    expect(nameToLabels(`${'東'.repeat(21)}.local`)[0]?.length).toBe(63);
    expect(encodeError(() => nameToLabels(`${'東'.repeat(22)}.local`)).code).toBe('LABEL_TOO_LONG');
  });

  it('names are at most 255 bytes on the wire', () => {
    const label = 'x'.repeat(63);
    // 4 labels of 63 = 256 with length bytes, +1 root = 257.
    const ok = [label, label, label, 'x'.repeat(61)].join('.');
    expect(nameWireLength(ok)).toBe(255);
    const tooLong = [label, label, label, 'x'.repeat(62)].join('.');
    expect(encodeError(() => nameToLabels(tooLong)).code).toBe('NAME_TOO_LONG');
  });

  it('RFC 6762 §16: comparison ignores ASCII case only, and escaping style', () => {
    expect(namesEqual('MyHost.LOCAL', 'myhost.local')).toBe(true);
    expect(namesEqual('a\\046b.local', 'a\\.b.local')).toBe(true);
    expect(namesEqual('a.b.local', 'a\\.b.local')).toBe(false);
    expect(namesEqual('ÉCOLE.local', 'école.local')).toBe(false);
    expect(namesEqual('host.local.', 'host.local')).toBe(true);
    expect(nameKey('Foo\\.Bar.Local')).toBe('foo\\.bar.local');
  });

  it("the writer's fast parser agrees with the full parser on every input", () => {
    const chars = fc.constantFrom('a', 'B', '.', '\\', '0', '2', '5', ' ', 'é', '\u0001', '_');
    const outcome = (fn: () => Uint8Array[]): string => {
      try {
        return JSON.stringify(fn().map((l) => [...l]));
      } catch (error) {
        return error instanceof WireEncodeError ? `error ${error.code}` : `other ${String(error)}`;
      }
    };
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 40 }).map((c) => c.join('')),
        (name) => {
          expect(outcome(() => parseWireName(name).labels)).toBe(outcome(() => nameToLabels(name)));
        },
      ),
      { numRuns: 3000 },
    );
    expect(
      outcome(() => parseWireName(`${'x'.repeat(63)}.${'y'.repeat(63)}.${'z'.repeat(63)}.${'w'.repeat(62)}`).labels),
    ).toBe('error NAME_TOO_LONG');
  });

  it('suffix keys: equal keys mean equal bytes, and a trailing dot changes nothing', () => {
    expect(parseWireName('Host.local.').suffixKeys).toEqual(['Host.local', 'local']);
    expect(parseWireName('a\\.b.local').suffixKeys).toEqual(['a\\.b.local', 'local']);
    const keyed = new Map<string, string>();
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'A', 'b\\.c', 'b\\046c', 'local', '_tcp'), { minLength: 1, maxLength: 4 }),
        (labels) => {
          const { labels: bytes, suffixKeys } = parseWireName(labels.join('.'));
          suffixKeys.forEach((key, i) => {
            const wire = JSON.stringify(bytes.slice(i).map((l) => [...l]));
            expect(keyed.get(key) ?? wire).toBe(wire);
            keyed.set(key, wire);
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
