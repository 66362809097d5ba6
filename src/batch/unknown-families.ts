/**
 * Family values a model does not know, in a `predict --input` file (e.g. `type=Cartoon` for a model
 * whose genre rules know Movie and TV Show). Such a row is scored as if its family field were missing:
 * the rules choose its family by the rule picked on validation (src/models/genre-rules.ts). That is
 * right for a title of an unknown kind, but a misspelt or foreign-language value ("Film", "Serie")
 * silently loses what the field would have told, so the user is told once per file, with the count,
 * the first lines and the values as written.
 */
import type { PredictionInputRow } from '../data/prediction-input.js';
import { familyKey, type GenreRules } from '../models/genre-rules.js';

/** Lines (and distinct values) remembered for the warning; all rows are counted. */
const KEPT = 5;

export interface UnknownFamilies {
  /** Rows whose family field holds a value none of the rules' families has. */
  count: number;
  /** The first such rows' lines (at most 5). */
  lines: number[];
  /** The first distinct values, as written in the file (at most 5). */
  values: string[];
}

/**
 * Passes `rows` through unchanged, counting into the returned `found` the rows whose family field
 * (`rules.familyField`) has a value the rules do not know. Rows without the field are not counted
 * (a missing value is the documented unknown case). With no rules or no families, nothing is counted.
 */
export function watchUnknownFamilies<Row extends Pick<PredictionInputRow, 'line' | 'fields'>>(
  rows: AsyncIterable<Row> | Iterable<Row>,
  rules: GenreRules | null,
): { rows: AsyncGenerator<Row>; found: UnknownFamilies } {
  const found: UnknownFamilies = { count: 0, lines: [], values: [] };
  const field = rules === null || rules.families.length === 0 ? null : rules.familyField;
  const known = new Set((rules?.families ?? []).map((f) => familyKey(f.value)));
  async function* watched(): AsyncGenerator<Row> {
    for await (const row of rows) {
      const value = field === null ? undefined : row.fields?.[field];
      if (value !== undefined && value.trim() !== '' && !known.has(familyKey(value))) {
        found.count += 1;
        if (found.lines.length < KEPT) found.lines.push(row.line);
        if (found.values.length < KEPT && !found.values.includes(value.trim())) found.values.push(value.trim());
      }
      yield row;
    }
  }
  return { rows: watched(), found };
}

/** What the rules do with a title whose family is unknown, in words. */
export function unknownFamilyRuleText(rules: GenreRules): string {
  if (rules.unknownFamily === 'none') return 'no family is chosen (genres of every family can be predicted)';
  const rule = rules.unknownFamily === 'total' ? 'the family with the larger total probability' : 'the family of the most probable genre';
  return `the family is chosen by the validation rule "${rules.unknownFamily}" (${rule})`;
}

/**
 * The warning for one title whose family field (`field`, the rules' `familyField`) holds `value`, a value the rules know no family by,
 * named as the caller's input wrote it (`--field type`, `"fields[0].type"`), e.g. `--field
 * type="Cartoon" is not a type the model knows (Movie, TV Show); scored as if type were missing: ...`.
 * Shared by `--field` (predict, explain) and the API's `warnings`.
 */
export function unknownFamilyValueWarning(rules: GenreRules, field: string, value: string, name: string): string {
  return `${name}=${JSON.stringify(value)} is not a ${field} the model knows (${rules.families.map((f) => f.value).join(', ')}); scored as if ${field} were missing: ${unknownFamilyRuleText(rules)}`;
}

/** The warning for `found` in `file`, or null when no row had an unknown family value. */
export function unknownFamiliesWarning(found: UnknownFamilies, rules: GenreRules | null, file: string): string | null {
  if (found.count === 0 || rules === null || rules.familyField === null) return null;
  const field = rules.familyField;
  const lines = `line${found.lines.length === 1 ? '' : 's'} ${found.lines.join(', ')}${found.count > found.lines.length ? ', ...' : ''}`;
  return (
    `${found.count} row(s) of ${file} have a ${field} the model does not know (${found.values.map((v) => JSON.stringify(v)).join(', ')}${found.count > found.lines.length ? ', ...' : ''}; ${lines}); ` +
    `it knows ${rules.families.map((f) => f.value).join(', ')}. They are scored as if ${field} were missing: ${unknownFamilyRuleText(rules)}`
  );
}
