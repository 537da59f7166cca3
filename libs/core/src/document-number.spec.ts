import fc from 'fast-check';
import { normaliseDocumentNumber } from './document-number';

const RUNS = { numRuns: 2000 };

/** A number as suppliers write it: letters and digits, with separators between some of them. */
const alnum = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789发票号码');
const separator = fc.constantFrom(' ', '-', '_', '/', '\\', '.', '\u00ad', '\u200b', '\u2010', '\u2013', '\u2014', '\u2212', '\u3000', '\u00a0', '\ufeff', '－', '／', '．', '＿');
const spelling = fc.array(fc.tuple(alnum, fc.array(separator, { maxLength: 2 })), { minLength: 1, maxLength: 30 });
const write = (parts: [string, string[]][]) => parts.map(([char, seps]) => char + seps.join('')).join('');
const bare = (parts: [string, string[]][]) => parts.map(([char]) => char).join('');
/** Full-width forms (U+FF01–U+FF5E) of printable ASCII, as Chinese input methods type them. */
const fullWidth = (text: string) => text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('normaliseDocumentNumber', () => {
  it.each([
    ['INV-2026/001', 'inv2026001'],
    ['inv 2026 001', 'inv2026001'],
    ['Inv_2026.001', 'inv2026001'],
    ['ＩＮＶ－２０２６／００１', 'inv2026001'],
    ['INV\u200b2026\u00ad001', 'inv2026001'],
    ['INV–2026—001', 'inv2026001'],
    ['No.\u3000123', 'no123'],
    ['发票 No 0001', '发票no0001'],
    ['ⅷ-①', 'viii1'],
    ['---', ''],
  ])('%s → %s', (number, key) => {
    expect(normaliseDocumentNumber(number)).toBe(key);
  });

  it('keeps numbers apart that differ in a letter or digit', () => {
    expect(normaliseDocumentNumber('INV-001')).not.toBe(normaliseDocumentNumber('INV-0001'));
    expect(normaliseDocumentNumber('INV-001')).not.toBe(normaliseDocumentNumber('INV-00I'));
  });

  it('ignores separators wherever they are written', () => {
    fc.assert(fc.property(spelling, (parts) => normaliseDocumentNumber(write(parts)) === normaliseDocumentNumber(bare(parts))), RUNS);
  });

  it('ignores case and full-width forms', () => {
    fc.assert(
      fc.property(spelling, (parts) => {
        const key = normaliseDocumentNumber(write(parts));
        return (
          normaliseDocumentNumber(write(parts).toUpperCase()) === key &&
          normaliseDocumentNumber(write(parts).toLowerCase()) === key &&
          normaliseDocumentNumber(fullWidth(write(parts))) === key
        );
      }),
      RUNS,
    );
  });

  it('is idempotent and leaves no separator, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 64 }), (number) => {
        const key = normaliseDocumentNumber(number);
        return normaliseDocumentNumber(key) === key && !/[\s\-_/\\.\u200b]/u.test(key);
      }),
      RUNS,
    );
  });
});
