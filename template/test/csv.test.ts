// The CSV reader every import path shares.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/imports.ts';
import { ensure, fuzz, fuzzTimeout } from './support/fuzz.ts';

describe('parseCsv', () => {
  it('turns rows into records named by the header', () => {
    expect(parseCsv('invoiceId,amount\r\ninv_1,1299\r\ninv_2,500\r\n')).toEqual({
      records: [
        { invoiceId: 'inv_1', amount: '1299' },
        { invoiceId: 'inv_2', amount: '500' },
      ],
    });
  });

  it('keeps commas, quotes and line breaks inside quoted fields', () => {
    const { records } = parseCsv('name,note\n"Doe, Jane","said ""hi""\nthen left"\n');
    expect(records).toEqual([{ name: 'Doe, Jane', note: 'said "hi"\nthen left' }]);
  });

  it('keeps a record whose only field is empty ("" is a value, a blank line is not)', () => {
    expect(parseCsv('note\n""\n\nx\n')).toEqual({ records: [{ note: '' }, { note: 'x' }] });
  });

  it.each([
    ['an empty file', ''],
    ['a header only', 'invoiceId,amount\n'],
    ['a row with too few fields', 'invoiceId,amount\ninv_1\n'],
    ['an unclosed quote', 'invoiceId,amount\n"inv_1,1299\n'],
  ])('refuses %s', (_name, text) => {
    expect(parseCsv(text).errors?.length).toBeGreaterThan(0);
  });

  it('reads back any table written as RFC 4180 CSV', async ({ task }) => {
    const fieldArb = fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom('"', ',', '\r\n', '\n', '\r', ' ', '""'));
    const tableArb = fc.integer({ min: 1, max: 5 }).chain((width) =>
      fc.record({
        header: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: width, maxLength: width }),
        rows: fc.array(fc.array(fieldArb, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 8 }),
        newline: fc.constantFrom('\n', '\r\n'),
      }),
    );
    await fuzz(task, {
      target: 'parseCsv round trip',
      arbitrary: tableArb,
      property: async ({ header, rows, newline }) => {
        const text = [header, ...rows].map((cells) => cells.map(quoted).join(',')).join(newline) + newline;
        const expected = { records: rows.map((cells) => Object.fromEntries(header.map((name, column) => [name, cells[column]]))) };
        ensure(JSON.stringify(parseCsv(text)) === JSON.stringify(expected), `read back differently: ${JSON.stringify(text)}`);
      },
    });
  }, fuzzTimeout());

  it('answers any text with records or errors, never an exception', async ({ task }) => {
    const textArb = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.array(fc.constantFrom('a', ',', '"', '\n', '\r', '""'), { maxLength: 60 }).map((parts) => parts.join('')));
    await fuzz(task, {
      target: 'parseCsv any text',
      arbitrary: textArb,
      property: async (text) => {
        const parsed = parseCsv(text);
        ensure(Array.isArray(parsed.records) !== Array.isArray(parsed.errors), `neither records nor errors: ${JSON.stringify(parsed)}`);
        for (const error of parsed.errors ?? []) ensure(Number.isInteger(error.line) && typeof error.message === 'string', `odd error ${JSON.stringify(error)}`);
      },
    });
  }, fuzzTimeout());
});

/**
 * Quotes a field the way RFC 4180 writers do: when it holds a comma, a quote or a line
 * break, or is empty (a lone empty field written bare would be a blank line).
 */
function quoted(field: string): string {
  return field === '' || /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}
