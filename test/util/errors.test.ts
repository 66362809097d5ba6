import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlotlineError } from '../../src/util/errors.js';

test('an error names the file, line and field; an option is named as it is typed', () => {
  assert.equal(new PlotlineError('expected a year', { file: 'a.csv', line: 3, field: 'release_year' }).message, 'a.csv, line 3, field "release_year": expected a year');
  assert.equal(new PlotlineError('not cached', { field: '--data' }).message, '--data: not cached');
  assert.equal(new PlotlineError('plain').message, 'plain');
});
