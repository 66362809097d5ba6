import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveFieldList } from '../../src/data/columns.js';
import { PlotlineError } from '../../src/util/errors.js';

const roles = { text: 'overview', labels: 'Listed_In', id: 'show_id', labelSeparator: null };
const available = ['type', 'country', 'release_year'];

test('--fields naming the label, id or text column says which role it has, not that the file lacks it', () => {
  for (const [name, role] of [
    ['listed_in', /"listed_in", which is the label column \(it holds the genres the model learns\), so it cannot be a field; the file's fields: type, country, release_year/],
    ['show_id', /"show_id", which is the id column/],
    ['Overview', /"overview", which is the text column/],
  ] as const) {
    assert.throws(
      () => resolveFieldList(['type', name], available, 'titles.csv', roles),
      (error: unknown) => error instanceof PlotlineError && role.test(error.message) && error.file === 'titles.csv' && !/does not have/.test(error.message),
      name,
    );
  }
  // `description` stays the keyword for the description-only model, and real fields still resolve.
  assert.deepEqual(resolveFieldList(['description'], available, 'titles.csv', { ...roles, text: 'description' }), []);
  assert.deepEqual(resolveFieldList([' Type', 'country'], available, 'titles.csv', roles), ['type', 'country']);
  assert.throws(() => resolveFieldList(['rating'], available, 'titles.csv', roles), /"rating", which the file does not have/);
});
