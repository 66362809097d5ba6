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

test('--fields mixing "description" (no fields) or "all" with field names is an error saying so, not the named fields read silently', () => {
  for (const [list, pattern] of [
    [['description', 'type'], /--fields "description,type" mixes "description" \(the description-only model, with no catalogue field\) with field names \(type\); give --fields description alone, or the fields alone \(--fields type: /],
    [['Type', ' DESCRIPTION ', 'country'], /mixes "description" .* with field names \(type, country\)/],
    [['all', 'country'], /--fields "all,country" mixes "all" \(every field the file has\) with field names \(country\)/],
  ] as const) {
    assert.throws(
      () => resolveFieldList(list, available, 'titles.csv', roles),
      (error: unknown) => error instanceof PlotlineError && pattern.test(error.message) && error.file === 'titles.csv',
      list.join(','),
    );
  }
  assert.deepEqual(resolveFieldList([' description '], available, 'titles.csv', roles), []);
  assert.deepEqual(resolveFieldList(['all'], available, 'titles.csv', roles), available);
});

test('a missing column is reported with each candidate name once, the saved one first', async () => {
  const { resolveColumns } = await import('../../src/data/columns.js');
  const columns = ['show_id', 'description'];
  const table = {
    file: 'new.csv',
    format: 'csv' as const,
    columns,
    headerLine: 1,
    has: (name: string) => columns.includes(name.trim().toLowerCase()),
    spelling: (name: string) => name,
    rows: async function* () {},
    close: () => {},
  };
  const saved = { text: 'description', labels: 'listed_in', id: 'show_id', labelSeparator: ',' as const };
  assert.throws(
    () => resolveColumns(table, {}, { requireLabels: true, saved }),
    (error: Error) => {
      const listed = /expected one named (.*), or name it/.exec(error.message)?.[1] ?? '';
      const names = listed.split(', ');
      assert.equal(names[0], '"listed_in"');
      assert.equal(new Set(names).size, names.length, `each once: ${listed}`);
      return true;
    },
  );
});
