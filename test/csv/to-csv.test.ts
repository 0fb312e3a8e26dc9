import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toCsv } from '../../src/csv/to-csv.js';

test('fields with a comma, a quote, \\n or \\r are quoted (RFC 4180); others are not', () => {
  const csv = toCsv(
    ['case', 'organ'],
    [
      ['a,b', 'say "hi"'],
      ['line\nbreak', 'carriage\rreturn'],
      ['plain', 'liver=0.1 spleen=0.2'],
    ],
  );
  assert.equal(
    csv,
    'case,organ\n"a,b","say ""hi"""\n"line\nbreak","carriage\rreturn"\nplain,liver=0.1 spleen=0.2\n',
  );
});

test('missing values are empty fields; numbers keep 10 significant digits', () => {
  const csv = toCsv(
    ['a', 'b', 'c', 'd', 'e'],
    [
      [null, undefined, Number.NaN, Number.POSITIVE_INFINITY, 1 / 3],
      [0, -2.5, 1e-12, 12, ''],
    ],
  );
  assert.equal(csv, 'a,b,c,d,e\n,,,,0.3333333333\n0,-2.5,1e-12,12,\n');
});

test('a header alone is one line', () => {
  assert.equal(toCsv(['rank', 'case'], []), 'rank,case\n');
});
