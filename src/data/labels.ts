/**
 * Genre labels as files write them: split from one cell (`,`, `|`, `;`) or taken from a JSON array,
 * normalised (NFC, zero-width characters removed, trimmed), and checked for spellings of one label
 * that differ only by case, apostrophe style or inner spaces ("Kids' TV" / "Kids’ TV" / "kids' tv"),
 * which would otherwise become extra genres.
 */
import { PlotlineError } from '../util/errors.js';

/** How a label cell is split: by one of these characters, or `json` for a JSON array (JSON Lines). */
export const LABEL_SEPARATORS = [',', '|', ';', 'json'] as const;
export type LabelSeparator = (typeof LABEL_SEPARATORS)[number];

// Zero-width space, non-joiner, joiner, word joiner, and the BOM used as a zero-width no-break space.
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;

/** A label as Plotline stores it: NFC, no zero-width characters, trimmed, inner white space collapsed. */
export function normaliseLabel(label: string): string {
  return label.normalize('NFC').replace(ZERO_WIDTH, '').replace(/\s+/g, ' ').trim();
}

/**
 * The key under which lookalike spellings meet: case-folded, with no apostrophe-like character
 * (`'`, `’`, `‘`, `ʼ`, `` ` ``, `´`, `′`) and no spaces at all, so "Kids' TV", "Kids’ TV", "kids' tv"
 * and "Kids TV" meet.
 */
export function lookalikeKey(label: string): string {
  return normaliseLabel(label)
    .toLowerCase()
    .replace(/['\u2018\u2019\u201B\u02BC\u0060\u00B4\u2032]/g, '')
    .replace(/\s+/g, '');
}

/**
 * Splits a label cell (a string, or an array from JSON Lines) into normalised labels, first-seen
 * order kept (a catalogue's first genre is its most specific), duplicates and empties dropped.
 * A string with `json` as separator is split on commas.
 */
export function splitLabels(cell: string | readonly string[], separator: LabelSeparator): string[] {
  const parts = typeof cell === 'string' ? cell.split(separator === 'json' ? ',' : separator) : cell;
  const labels: string[] = [];
  for (const part of parts) {
    const label = normaliseLabel(part);
    if (label !== '' && !labels.includes(label)) labels.push(label);
  }
  return labels;
}

/**
 * The separator a set of label cells most likely uses, for files whose layout was not given: `|`
 * (MovieLens) or `;` when some cell holds it and no cell holds a comma, else `,` (Netflix).
 */
export function detectLabelSeparator(cells: Iterable<string>): ',' | '|' | ';' {
  let comma = false;
  let pipe = false;
  let semicolon = false;
  for (const cell of cells) {
    comma ||= cell.includes(',');
    pipe ||= cell.includes('|');
    semicolon ||= cell.includes(';');
  }
  if (!comma && pipe) return '|';
  if (!comma && semicolon) return ';';
  return ',';
}

/**
 * Finds labels that are one label spelt several ways. With `merge`, every spelling is mapped to one:
 * the genre of `preferred` (a model's genres, when evaluating one) that shares its lookalike key, else
 * the most frequent spelling (ties: the first seen); a label spelt once but differently from a
 * `preferred` genre is mapped to that genre too, so a merged label matches the model's. Each merged
 * spelling gets a warning ("merged "Kids TV" (3 titles) into "Kids' TV" ..."). Without `merge`,
 * spellings that clash within the file are an error listing them, since silently keeping both would
 * make two genres of one.
 *
 * @param counts titles per label, in first-seen order.
 * @param options.preferred genre names to merge into when a group matches one (e.g. the model's).
 * @returns a map from each spelling to the label it stands for (identity for most), and one warning
 *   per merged spelling.
 * @throws PlotlineError (naming `file` and `field`) when lookalikes exist and `merge` is false.
 */
export function reconcileLabels(
  counts: ReadonlyMap<string, number>,
  options: { merge: boolean; file: string; field: string; preferred?: readonly string[] },
): { canonical: Map<string, string>; warnings: string[] } {
  const groups = new Map<string, string[]>();
  for (const label of counts.keys()) {
    const key = lookalikeKey(label);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [label]);
    else group.push(label);
  }
  const preferred = new Map<string, string>();
  for (const genre of options.preferred ?? []) if (!preferred.has(lookalikeKey(genre))) preferred.set(lookalikeKey(genre), genre);
  const canonical = new Map<string, string>();
  const clashes: string[][] = [];
  const warnings: string[] = [];
  const titles = (label: string): string => `${counts.get(label)} title${counts.get(label) === 1 ? '' : 's'}`;
  for (const [key, group] of groups) {
    const wanted = preferred.get(key);
    if (group.length === 1 && (wanted === undefined || wanted === group[0] || !options.merge)) {
      canonical.set(group[0], group[0]);
      continue;
    }
    if (group.length > 1) clashes.push(group);
    const best = wanted ?? group.reduce((a, b) => ((counts.get(b) ?? 0) > (counts.get(a) ?? 0) ? b : a));
    const why = wanted === undefined ? 'its most frequent spelling' : "the model's genre";
    for (const label of group) {
      canonical.set(label, best);
      if (label !== best) warnings.push(`merged label ${JSON.stringify(label)} (${titles(label)}) into ${JSON.stringify(best)} (${why}) in ${options.file}, column ${options.field}`);
    }
  }
  const describe = (group: string[]): string => group.map((l) => `${JSON.stringify(l)} (${counts.get(l)} titles)`).join(' / ');
  if (clashes.length > 0 && !options.merge) {
    throw new PlotlineError(
      `labels that differ only by case, apostrophe or spaces: ${clashes.map(describe).join('; ')}. ` +
        "Fix the file, or pass --merge-labels to merge each group into the model's spelling (evaluate) or its most frequent spelling",
      { file: options.file, field: options.field },
    );
  }
  return { canonical, warnings };
}
