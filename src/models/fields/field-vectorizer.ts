/**
 * Turns a title's catalogue fields into sparse binary features, each of the right kind:
 *
 * - `category` (type, rating): one feature per value;
 * - `list` (country, cast, director): one feature per comma-separated item;
 * - `number` (release_year): the value's bucket among training quantiles;
 * - `quantity` (duration "90 min" / "2 Seasons"): the unit, and the value's bucket among that unit's
 *   training quantiles;
 *   (a number far outside what training saw, see `plausibleRange`, is read as missing, not as the top
 *   or bottom bucket;)
 * - `words` (title): one feature per lower-cased word.
 *
 * Features seen fewer than `minCount` times in training are dropped (a cast member in one title
 * teaches nothing), as scikit-learn's `min_df` does. A missing field gives no feature: the model's
 * bias stands for "unknown", and training drops fields at random so that it learns to.
 */
import { z } from 'zod';
import type { FieldValueProblem } from '../genre-model.js';

export const FIELD_KINDS = ['category', 'list', 'number', 'quantity', 'words'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

/** The kinds of the Netflix catalogue's fields; other fields' kinds are detected from their values. */
export const KNOWN_FIELD_KINDS: Readonly<Record<string, FieldKind>> = {
  type: 'category',
  rating: 'category',
  country: 'list',
  cast: 'list',
  director: 'list',
  release_year: 'number',
  duration: 'quantity',
  title: 'words',
  date_added: 'words',
};

export const FieldSpecSchema = z.object({
  name: z.string().min(1),
  kind: z.enum(FIELD_KINDS),
  /** number: bucket edges; quantity: edges per unit. */
  edges: z.array(z.number()).optional(),
  unitEdges: z.record(z.string(), z.array(z.number())).optional(),
});
export type FieldSpec = z.infer<typeof FieldSpecSchema>;

export const FieldVectorizerSchema = z.object({
  fields: z.array(FieldSpecSchema),
  /** Feature strings, index = feature id. */
  features: z.array(z.string()),
});
export type FieldVectorizerJSON = z.infer<typeof FieldVectorizerSchema>;

const QUANTITY = /^(-?\d+(?:\.\d+)?)\s*([^\d\s].*)$/;
const BUCKETS = 8;

function normaliseValue(value: string): string {
  return value.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

function unitOf(text: string): string {
  // "Season"/"Seasons", "min"/"mins": one unit.
  return normaliseValue(text).replace(/s$/, '');
}

/** Quantile edges of `values` (at most `buckets - 1`, distinct, ascending). */
function quantileEdges(values: number[], buckets: number): number[] {
  if (values.length === 0) return [];
  const sorted = [...values].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let q = 1; q < buckets; q++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((q * sorted.length) / buckets))];
    if (edges.length === 0 || v > edges[edges.length - 1]) edges.push(v);
  }
  return edges;
}

function bucketOf(value: number, edges: readonly number[]): number {
  let b = 0;
  while (b < edges.length && value >= edges[b]) b++;
  return b;
}

/** How many inter-quantile spans beyond the training values a number may lie and still be plausible. */
const PLAUSIBLE_SPANS = 20;

/**
 * The range of plausible values for a number bucketed by `edges` (its training quantiles, 1/8 to
 * 7/8): the middle 75% of the training values widened by PLAUSIBLE_SPANS times their span on each
 * side (at least 1), and never below 0 when the lower quantile is not negative. For the Netflix
 * catalogue's release years (quantiles 2008-2019) that is 1788 to 2239; minutes of a movie, 0 to
 * about 1,300. Null when there are no edges to judge by.
 */
export function plausibleRange(edges: readonly number[] | undefined): { low: number; high: number } | null {
  if (edges === undefined || edges.length === 0) return null;
  const first = edges[0];
  const last = edges[edges.length - 1];
  const span = Math.max(last - first, 1) * PLAUSIBLE_SPANS;
  return { low: first >= 0 ? Math.max(0, first - span) : first - span, high: last + span };
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A field value as a number when it is written as a plain decimal ("2019", "-3.5", "1e3"), else NaN:
 * not hexadecimal ("0x7E3", which Number() reads as 2019), "Infinity" or a blank, as the CLI's
 * number options refuse them too.
 */
export function decimalNumber(value: string): number {
  const text = value.trim();
  return DECIMAL.test(text) ? Number(text) : NaN;
}

/**
 * Why a non-empty number or quantity value is unusable (the model reads it as missing), or null when it
 * is fine. Unusable: not a number at all ("abc" as a year; a duration without a leading number, "n/a"),
 * not finite once parsed ("1e400"), or outside `plausibleRange` of its training quantiles
 * ("99999999999999999999" as a year, "-90 min").
 */
function unusable(spec: FieldSpec, value: string): Pick<FieldValueProblem, 'reason' | 'expected'> | null {
  let n: number;
  let edges: readonly number[] | undefined;
  let unit = '';
  if (spec.kind === 'number') {
    n = decimalNumber(value);
    edges = spec.edges;
    if (Number.isNaN(n)) return { reason: 'not a number', expected: expectedNumber(plausibleRange(edges), '') };
  } else if (spec.kind === 'quantity') {
    const m = QUANTITY.exec(value);
    if (m === null) {
      const units = Object.keys(spec.unitEdges ?? {});
      return { reason: 'not a number with a unit', expected: units.length === 0 ? 'a number and a unit, e.g. "90 min"' : `a number and a unit (${units.map((u) => `${u}s`).join(' or ')}), e.g. "90 min"` };
    }
    n = Number(m[1]);
    unit = unitOf(m[2]);
    edges = spec.unitEdges?.[unit];
  } else return null;
  const range = plausibleRange(edges);
  const expected = expectedNumber(range, unit);
  if (!Number.isFinite(n)) return { reason: 'out of range', expected };
  return range !== null && (n < range.low || n > range.high) ? { reason: 'out of range', expected } : null;
}

/** "a number (of mins) from low to high (...)", or "a finite number" without a training range. */
function expectedNumber(range: { low: number; high: number } | null, unit: string): string {
  return range === null
    ? 'a finite number'
    : `${unit === '' ? 'a number' : `a number of ${unit}s`} from ${Math.floor(range.low)} to ${Math.ceil(range.high)} (the training values' middle 75% widened ${PLAUSIBLE_SPANS} times its span)`;
}

/** The kind of a field not in KNOWN_FIELD_KINDS, from its training values. */
export function detectFieldKind(values: readonly string[]): FieldKind {
  const present = values.map((v) => v.trim()).filter((v) => v !== '');
  if (present.length === 0) return 'category';
  if (present.every((v) => Number.isFinite(decimalNumber(v)))) return 'number';
  if (present.every((v) => QUANTITY.test(v))) return 'quantity';
  if (present.filter((v) => v.includes(',')).length >= 0.05 * present.length) return 'list';
  const distinct = new Set(present.map(normaliseValue)).size;
  return distinct <= 0.5 * present.length ? 'category' : 'words';
}

/** Feature strings of one field value (before the min-count filter). */
function featuresOf(spec: FieldSpec, raw: string | undefined): string[] {
  const value = raw?.trim() ?? '';
  if (value === '') return [];
  // An out-of-range number would land in the top (or bottom) bucket as if it were plausible: missing instead.
  if (unusable(spec, value) !== null) return [];
  const name = spec.name;
  switch (spec.kind) {
    case 'category':
      return [`${name}=${normaliseValue(value)}`];
    case 'list':
      return value
        .split(',')
        .map(normaliseValue)
        .filter((v) => v !== '')
        .map((v) => `${name}=${v}`);
    case 'words':
      return (normaliseValue(value).match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => `${name}~${w}`);
    case 'number': {
      const n = decimalNumber(value);
      return Number.isFinite(n) ? [`${name}#${bucketOf(n, spec.edges ?? [])}`] : [];
    }
    case 'quantity': {
      const m = QUANTITY.exec(value);
      if (m === null) return [];
      const unit = unitOf(m[2]);
      const edges = spec.unitEdges?.[unit];
      return edges === undefined ? [`${name}:${unit}`] : [`${name}:${unit}`, `${name}:${unit}#${bucketOf(Number(m[1]), edges)}`];
    }
  }
}

/**
 * Fitted field vectorizer: field specs and the feature vocabulary. `transform` is pure, so a saved
 * vectorizer gives the same ids on any machine.
 */
export class FieldVectorizer {
  private readonly index: ReadonlyMap<string, number>;

  private constructor(
    readonly fields: readonly FieldSpec[],
    readonly features: readonly string[],
  ) {
    this.index = new Map(features.map((f, i) => [f, i]));
  }

  /** Number of features (the field model's input width). */
  get size(): number {
    return this.features.length;
  }

  /** Field names (lower-case), in the order given at fit. */
  get fieldNames(): string[] {
    return this.fields.map((f) => f.name);
  }

  /**
   * Learns the fields' kinds, buckets and the features seen at least `minCount` times.
   *
   * @param rows training titles' fields (lower-case names).
   * @param names the fields to use, lower-case.
   */
  static fit(rows: readonly Readonly<Record<string, string>>[], names: readonly string[], options: { minCount?: number } = {}): FieldVectorizer {
    const minCount = options.minCount ?? 2;
    const specs: FieldSpec[] = names.map((name) => {
      const values = rows.map((r) => r[name] ?? '');
      const kind = KNOWN_FIELD_KINDS[name] ?? detectFieldKind(values);
      const spec: FieldSpec = { name, kind };
      if (kind === 'number') spec.edges = quantileEdges(values.map(decimalNumber).filter((v) => Number.isFinite(v)), BUCKETS);
      if (kind === 'quantity') {
        const byUnit = new Map<string, number[]>();
        for (const v of values) {
          const m = QUANTITY.exec(v.trim());
          if (m === null) continue;
          const unit = unitOf(m[2]);
          if (!byUnit.has(unit)) byUnit.set(unit, []);
          byUnit.get(unit)!.push(Number(m[1]));
        }
        spec.unitEdges = Object.fromEntries([...byUnit.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([u, vs]) => [u, quantileEdges(vs, BUCKETS)]));
      }
      return spec;
    });
    const counts = new Map<string, number>();
    for (const row of rows) {
      for (const spec of specs) for (const f of new Set(featuresOf(spec, row[spec.name]))) counts.set(f, (counts.get(f) ?? 0) + 1);
    }
    // Sorted by code unit so the ids do not depend on row order.
    const features = [...counts.entries()]
      .filter(([, c]) => c >= minCount)
      .map(([f]) => f)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return new FieldVectorizer(specs, features);
  }

  static fromJSON(json: FieldVectorizerJSON): FieldVectorizer {
    return new FieldVectorizer(json.fields, json.features);
  }

  toJSON(): FieldVectorizerJSON {
    return { fields: this.fields.map((f) => ({ ...f })), features: [...this.features] };
  }

  /**
   * The values of `fields` this vectorizer reads as missing because they are not numbers where a
   * number (or a number with a unit) is read, or out of range (see `plausibleRange`); one per field at
   * most, in field order.
   */
  valueProblems(fields: Readonly<Record<string, string>> | undefined): FieldValueProblem[] {
    if (fields === undefined) return [];
    const problems: FieldValueProblem[] = [];
    for (const spec of this.fields) {
      const value = fields[spec.name]?.trim() ?? '';
      if (value === '') continue;
      const problem = unusable(spec, value);
      if (problem !== null) problems.push({ field: spec.name, value, ...problem });
    }
    return problems;
  }

  /**
   * Feature ids of one title (ascending, unique). Fields the vectorizer does not know and features
   * unseen in training are ignored.
   *
   * @param drop field names to leave out (field dropout in training).
   */
  transform(fields: Readonly<Record<string, string>> | undefined, drop?: ReadonlySet<string>): Int32Array {
    if (fields === undefined) return new Int32Array(0);
    const ids = new Set<number>();
    for (const spec of this.fields) {
      if (drop?.has(spec.name)) continue;
      for (const f of featuresOf(spec, fields[spec.name])) {
        const id = this.index.get(f);
        if (id !== undefined) ids.add(id);
      }
    }
    return Int32Array.from([...ids].sort((a, b) => a - b));
  }
}
