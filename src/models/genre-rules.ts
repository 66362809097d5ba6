/**
 * Genre sets that make sense, learned from the training rows:
 *
 * - **Families**: genres that never share a title, found by a field. With `type`, every genre seen
 *   only on movies is the Movie family and every genre seen only on TV shows the TV Show family (in
 *   the Netflix catalogue 20 and 22 genres; no title has both kinds). When a title's family field is
 *   known, the other families' genres cannot be predicted; when it is not, one family is chosen by a
 *   rule picked on validation (`total`: the family with the larger total probability; `max`: the one
 *   holding the single most probable genre; `none`: no choice is made).
 * - **A cap** on genres per title: the largest count seen in training (3 in Netflix), keeping the
 *   genres that clear their thresholds by the most (`capRow`), so it never takes a passing genre
 *   from a title that has fewer than the cap.
 *
 * Both act on scores: the genres they rule out get probability 0 (the family rule: every genre of
 * another family; the cap: only the passing genres beyond the cap, see `capRow`), so thresholds,
 * metrics and every caller see the same constrained scores, and the at-least-one-genre fallback
 * stays in the family.
 */
import { thresholdVector } from './thresholds.js';

export const UNKNOWN_FAMILY_RULES = ['total', 'max', 'none'] as const;
export type UnknownFamilyRule = (typeof UNKNOWN_FAMILY_RULES)[number];

/**
 * A model's genre-set rules, as the manifest's `catalogue.rules` holds them (validated by
 * genre-rules-schema.ts, kept apart so that scoring, in a worker thread too, does not import zod).
 */
export interface GenreRules {
  /** The field whose value picks the family (lower-case column name), or null: no families. */
  familyField: string | null;
  /** Each value of the field (as written in training, matched case-insensitively) and the genres only it has. */
  families: { value: string; genres: string[] }[];
  /** How to choose a family when a title's family field is missing or unrecognised. */
  unknownFamily: UnknownFamilyRule;
  /** Most genres one title may get, or null: no cap. */
  maxGenres: number | null;
}

/** How family values are matched: trimmed, case-insensitive ("tv show" is "TV Show"). */
export function familyKey(value: string): string {
  return value.trim().toLowerCase();
}

/** The minimum a rule-learning pass needs of a training title. */
export interface RuleTitle {
  genres: readonly string[];
  fields: Readonly<Record<string, string>>;
}

/**
 * Learns families and the cap from training titles.
 *
 * @param familyField the field defining families (lower-case), or null for none. A field with more
 *   than `maxFamilies` values (default 8) is not a family field: the rule is for kinds, not for ids.
 * @param maxGenres a cap given by the user (`--max-genres`), else the training maximum.
 */
export function learnGenreRules(
  titles: readonly RuleTitle[],
  genres: readonly string[],
  options: { familyField: string | null; maxGenres?: number | null; unknownFamily?: UnknownFamilyRule; maxFamilies?: number },
): GenreRules {
  const cap = options.maxGenres === undefined ? Math.max(0, ...titles.map((t) => t.genres.length)) || null : options.maxGenres;
  const field = options.familyField;
  let families: GenreRules['families'] = [];
  if (field !== null) {
    // value (case-folded) -> spelling first seen; genre -> values it was seen with
    const spelling = new Map<string, string>();
    const seenWith = new Map<string, Set<string>>();
    for (const title of titles) {
      const raw = (title.fields[field] ?? '').trim();
      if (raw === '') continue;
      const value = familyKey(raw);
      if (!spelling.has(value)) spelling.set(value, raw);
      for (const genre of title.genres) {
        let set = seenWith.get(genre);
        if (set === undefined) seenWith.set(genre, (set = new Set()));
        set.add(value);
      }
    }
    if (spelling.size >= 2 && spelling.size <= (options.maxFamilies ?? 8)) {
      families = [...spelling.entries()]
        .map(([value, written]) => ({
          value: written,
          genres: genres.filter((g) => {
            const values = seenWith.get(g);
            return values !== undefined && values.size === 1 && values.has(value);
          }),
        }))
        .filter((f) => f.genres.length > 0);
    }
  }
  return { familyField: families.length > 0 ? field : null, families, unknownFamily: options.unknownFamily ?? 'total', maxGenres: cap };
}

/**
 * The value of a title's family field when the rules know no family by it (e.g. `type` "Cartoon" for
 * families Movie and TV Show), trimmed, or null: no rules, no family field, the field missing or
 * blank (the documented unknown case), or a known value. Such a title is scored as if the field were
 * missing (its family chosen by `unknownFamily`), which the CLI and the API warn about.
 */
export function unknownFamilyValue(rules: GenreRules | null, fields: Readonly<Record<string, string>> | undefined): string | null {
  if (rules === null || rules.familyField === null || rules.families.length === 0 || fields === undefined) return null;
  const value = fields[rules.familyField]?.trim();
  if (value === undefined || value === '') return null;
  return rules.families.some((f) => familyKey(f.value) === familyKey(value)) ? null : value;
}

/** What the rules did to one title: which family they held it to, and why. */
export interface RuleOutcome {
  /** The family value the title was held to, or null (no families, or unknown with rule `none`). */
  family: string | null;
  /** Whether the family came from the title's own field (true) or was chosen by the unknown-family rule. */
  familyGiven: boolean;
}

/**
 * Applies the rules to n x k probabilities (row-major, genre order `genres`): genres outside the
 * title's family, then the passing genres beyond the cap, get 0 (see `capRow`: below-threshold
 * genres keep their scores). Returns new scores; `scores` is not changed.
 *
 * The cap chooses among the genres that pass their thresholds (see `capRow`), so a title under the
 * cap never loses a passing genre; the scores therefore depend on the thresholds the decisions will
 * use, and a caller deciding with other thresholds must apply the rules again with those.
 *
 * @param fields one entry per row (its fields, or undefined when the caller has none).
 * @param thresholds the thresholds the decisions will apply (one for all genres, or one per genre in
 *   genre order), or undefined: the cap keeps the most probable genres, which is what it keeps under
 *   any single global threshold (threshold tuning uses this before thresholds exist).
 * @throws RangeError when `scores` is not whole rows of k, or `thresholds` is an array not of k.
 */
export function applyGenreRules(
  scores: Float32Array,
  genres: readonly string[],
  rules: GenreRules,
  fields: readonly (Readonly<Record<string, string>> | undefined)[] | undefined,
  thresholds?: number | readonly number[],
): { scores: Float32Array; outcomes: RuleOutcome[] } {
  const k = genres.length;
  if (scores.length % k !== 0) throw new RangeError(`scores has ${scores.length} cells, not a multiple of ${k} genres`);
  const cut = thresholds === undefined ? null : thresholdVector(thresholds, k);
  const n = scores.length / k;
  const out = Float32Array.from(scores);
  const index = new Map(genres.map((g, j) => [g, j]));
  const familyColumns = rules.families.map((f) => f.genres.map((g) => index.get(g)).filter((j): j is number => j !== undefined));
  const familyOf = new Map(rules.families.map((f, i) => [familyKey(f.value), i]));
  const outcomes: RuleOutcome[] = [];
  const kept = new Uint8Array(k);
  for (let i = 0; i < n; i++) {
    const row = out.subarray(i * k, (i + 1) * k);
    let chosen = -1;
    let given = false;
    if (rules.familyField !== null && familyColumns.length > 0) {
      const value = fields?.[i]?.[rules.familyField];
      const known = value === undefined ? undefined : familyOf.get(familyKey(value));
      if (known !== undefined) {
        chosen = known;
        given = true;
      } else if (rules.unknownFamily !== 'none') {
        let best = -Infinity;
        familyColumns.forEach((columns, f) => {
          let value = rules.unknownFamily === 'total' ? 0 : -Infinity;
          for (const j of columns) value = rules.unknownFamily === 'total' ? value + row[j] : Math.max(value, row[j]);
          if (value > best) {
            best = value;
            chosen = f;
          }
        });
      }
      if (chosen >= 0) {
        familyColumns.forEach((columns, f) => {
          if (f !== chosen) for (const j of columns) row[j] = 0;
        });
      }
    }
    if (rules.maxGenres !== null && rules.maxGenres < k) capRow(row, rules.maxGenres, cut, kept);
    outcomes.push({ family: chosen >= 0 ? rules.families[chosen].value : null, familyGiven: given });
  }
  return { scores: out, outcomes };
}

/**
 * The cap on one row (family rule already applied), as a decision step: sets to 0 the genres it
 * takes off, and leaves every other score as it was.
 *
 * With thresholds (`cut`), the cap keeps at most `cap` of the genres that pass their threshold
 * (score >= threshold, at float32 as `applyThresholds` compares), the largest margin (score -
 * threshold) first, ties to the lower genre index, and sets only the passing genres it does not keep
 * to 0. Genres below their threshold keep their scores: the cap does not decide them (they are off
 * anyway), so `--scores all`, `--top-k` and `explain --genre` still show what the model gave them,
 * and the at-least-one-genre stand-in (the most probable genre when none passes) is unchanged. The
 * margin ranks genres by how far each clears its own cut-off, so a genre with a low tuned threshold
 * that it clears easily is not pushed out by a likelier genre that only just passes a high one.
 * Under one global threshold the margin order is the probability order, so the decisions are those
 * of a plain top-`cap` cut.
 *
 * Without thresholds (`cut` null: threshold tuning, before thresholds exist), it keeps the `cap` most
 * probable genres and sets all others to 0, which gives the decisions of the top-`cap` cut under
 * every global threshold at once.
 *
 * @param cut per-genre thresholds (float32), or null: rank by probability alone.
 * @param kept scratch of k cells.
 */
function capRow(row: Float32Array, cap: number, cut: Float32Array | null, kept: Uint8Array): void {
  const k = row.length;
  kept.fill(0);
  if (cut !== null) {
    // A selection of a few, cheaper than sorting all k per row.
    for (let taken = 0; taken < cap; taken++) {
      let best = -1;
      for (let j = 0; j < k; j++) if (kept[j] === 0 && row[j] >= cut[j] && (best < 0 || row[j] - cut[j] > row[best] - cut[best])) best = j;
      if (best < 0) break;
      kept[best] = 1;
    }
    for (let j = 0; j < k; j++) if (kept[j] === 0 && row[j] >= cut[j]) row[j] = 0;
    return;
  }
  for (let taken = 0; taken < cap; taken++) {
    let best = -1;
    for (let j = 0; j < k; j++) if (kept[j] === 0 && (best < 0 || row[j] > row[best])) best = j;
    kept[best] = 1;
  }
  for (let j = 0; j < k; j++) if (kept[j] === 0) row[j] = 0;
}

/**
 * Warnings for genres that miss a family by a few titles: seen with one family value on most of
 * their titles (at least 4 times as many as all others) but with others on at most 3, so
 * `learnGenreRules` puts them in no family. One mistyped row (a TV show typed "Movie") is enough to take a genre out of its family,
 * and nothing else would say so.
 *
 * @param titles training titles (an `id` names the odd ones in the warning).
 * @param familyField the family field (lower-case), or null: no warnings.
 */
export function familyNearMisses(titles: readonly (RuleTitle & { id?: string })[], familyField: string | null): string[] {
  if (familyField === null) return [];
  // Values meet by familyKey (case-folded) but are shown as the file first wrote them ("Moive", not "moive").
  const byGenre = new Map<string, Map<string, { count: number; ids: string[]; written: string }>>();
  for (const title of titles) {
    const raw = (title.fields[familyField] ?? '').trim();
    if (raw === '') continue;
    const key = familyKey(raw);
    for (const genre of title.genres) {
      let values = byGenre.get(genre);
      if (values === undefined) byGenre.set(genre, (values = new Map()));
      const entry = values.get(key) ?? { count: 0, ids: [], written: raw };
      entry.count += 1;
      if (title.id !== undefined && entry.ids.length < 3) entry.ids.push(title.id);
      values.set(key, entry);
    }
  }
  const warnings: string[] = [];
  for (const [genre, values] of byGenre) {
    if (values.size < 2) continue;
    const sorted = [...values.entries()].sort((a, b) => b[1].count - a[1].count);
    const [main, ...others] = sorted;
    const minority = others.reduce((sum, [, v]) => sum + v.count, 0);
    if (main[1].count < 4 * minority || minority > 3) continue;
    const odd = others.map(([, v]) => `${v.count} with ${familyField} "${v.written}"${v.ids.length > 0 ? ` (id ${v.ids.join(', ')})` : ''}`).join(', ');
    warnings.push(
      `genre "${genre}" is on ${main[1].count} titles with ${familyField} "${main[1].written}" and ${odd}, so it belongs to no family and may be predicted for any ${familyField}; if those rows are mistyped, fix them`,
    );
  }
  return warnings;
}
