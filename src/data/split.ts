/**
 * Train / validation / test splits. Reported scores use the shared split file; a fresh split is
 * made the same way that file was (iterative stratification over groups of identical
 * descriptions), so near-duplicate texts can never sit on both sides of a split.
 */
import { createRng } from '../util/random.js';
import { PlotlineError } from '../util/errors.js';
import { duplicateIdError, fieldCountMessage, openCsv } from './csv.js';

/** A split file's parts (its `fold` column): validation is carved out of train by Plotline. */
export type SplitPart = 'train' | 'test';

/** The three splits of a catalogue: train, validation (early stopping, thresholds) and test. */
export interface Splits<T> {
  train: T[];
  validation: T[];
  test: T[];
}

export interface MakeSplitsOptions {
  /** A fixed train/test assignment by id (e.g. from readSplitFile); when absent, a fresh split is made. */
  assignment?: Map<string, SplitPart>;
  /** Where `assignment` came from, for error messages. */
  splitFile?: string;
  seed: number;
  /** Share of items put in test when no assignment is given (default 0.2). */
  testFraction?: number;
  /** Share of train carved out as validation (default 0.15). */
  validationFraction?: number;
}

/**
 * The grouping key used for the shared split: NFKC, curly quotes and dashes to ASCII, whitespace
 * collapsed, lower-cased, trimmed. Dubbed versions of one title differ only in such details.
 */
export function normaliseDescription(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201A\u201B\u2032\u2035]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033\u2036]/g, '"')
    .replace(/[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D]/g, '-')
    .replace(/\s+/g, ' ')
    .toLowerCase()
    .trim();
}

/**
 * A split file assigns titles by id, so a data file without an id column (whose rows are numbered
 * 1, 2, ...) cannot be matched with one: refuse before reading it, naming both files and the way out.
 * @throws PlotlineError naming the split file when `idColumn` is null.
 */
export function requireIdsForSplit(dataFile: string, idColumn: string | null, splitFile: string): void {
  if (idColumn !== null) return;
  throw new PlotlineError(
    `a split file assigns titles by id, and ${dataFile} has no id column (its rows are numbered 1, 2, ..., which match no split file's ids); name the id column with --id-column, or leave out the split file`,
    { file: splitFile },
  );
}

export async function readSplitFile(path: string): Promise<Map<string, SplitPart>> {
  const table = await openCsv(path);
  try {
    const idCol = table.column('show_id');
    const foldCol = table.column('fold');
    const missing = [...(idCol < 0 ? ['show_id'] : []), ...(foldCol < 0 ? ['fold'] : [])];
    if (missing.length > 0) throw table.missingColumns(missing);

    const folds = new Map<string, SplitPart>();
    const lineOf = new Map<string, number>();
    for await (const row of table.rows()) {
      // A split file is small and machine-written, so any bad row means the file is not the one
      // the user thinks it is: fail rather than skip.
      if (row.fields.length !== table.columns.length) {
        throw new PlotlineError(fieldCountMessage(table.columns.length, row.fields.length), { file: path, line: row.line });
      }
      const id = row.fields[idCol].trim();
      if (id === '') throw new PlotlineError('show_id is empty', { file: path, line: row.line, field: 'show_id' });
      const fold = row.fields[foldCol].trim();
      if (fold !== 'train' && fold !== 'test') {
        throw new PlotlineError(`fold must be "train" or "test", found ${JSON.stringify(row.fields[foldCol])}`, {
          file: path,
          line: row.line,
          field: 'fold',
        });
      }
      const earlier = lineOf.get(id);
      if (earlier !== undefined) throw duplicateIdError(id, earlier, { file: path, line: row.line, field: 'show_id' });
      lineOf.set(id, row.line);
      folds.set(id, fold);
    }
    return folds;
  } finally {
    table.close();
  }
}

/**
 * Iterative stratification (Sechidis, Tsoumakas & Vlahavas, 2011) into two folds, over groups:
 * rows sharing a group key are assigned together, a group counting as the sum of its rows' labels.
 * Rarest labels are placed first because they are the ones a random split gets wrong. Returns
 * isTest per row.
 */
export function iterativeStratifiedSplit(
  targets: Float32Array,
  numLabels: number,
  groups: readonly string[],
  testFraction: number,
  seed: number,
): boolean[] {
  const n = groups.length;
  if (!Number.isInteger(numLabels) || numLabels < 0) throw new RangeError(`numLabels must be a non-negative integer, got ${numLabels}`);
  if (targets.length !== n * numLabels) {
    throw new RangeError(`targets has ${targets.length} values, expected ${n} rows x ${numLabels} labels = ${n * numLabels}`);
  }
  if (!(testFraction >= 0 && testFraction <= 1)) throw new RangeError(`testFraction must be in [0, 1], got ${testFraction}`);

  // Degenerate fractions need no search, and must not leave a stray group on the empty side.
  if (testFraction === 0 || testFraction === 1) return new Array<boolean>(n).fill(testFraction === 1);

  const rng = createRng(seed);

  // Group rows by key; label counts per group are kept sparse (label, count) because most rows
  // carry only 1-3 of the labels.
  const groupOf = new Map<string, number>();
  const members: number[][] = [];
  for (let i = 0; i < n; i++) {
    let g = groupOf.get(groups[i]);
    if (g === undefined) {
      g = members.length;
      groupOf.set(groups[i], g);
      members.push([]);
    }
    members[g].push(i);
  }
  const numGroups = members.length;
  const groupLabels: { label: number; count: number }[][] = members.map((rows) => {
    const counts = new Map<number, number>();
    for (const i of rows) {
      for (let l = 0; l < numLabels; l++) {
        if (targets[i * numLabels + l] > 0) counts.set(l, (counts.get(l) ?? 0) + 1);
      }
    }
    return [...counts].map(([label, count]) => ({ label, count }));
  });

  // Visiting groups in a seeded random order makes the data's row order irrelevant and lets the
  // seed choose between otherwise equally good assignments.
  const order = rng.shuffle(Array.from({ length: numGroups }, (_, g) => g));
  const groupsWithLabel: number[][] = Array.from({ length: numLabels }, () => []);
  const remaining = new Float64Array(numLabels);
  for (const g of order) {
    for (const { label, count } of groupLabels[g]) {
      groupsWithLabel[label].push(g);
      remaining[label] += count;
    }
  }

  const fractions = [1 - testFraction, testFraction];
  // Still-wanted rows per fold, overall and per label; they may go negative when a large group
  // overshoots, which simply makes that fold less attractive afterwards.
  const wantedRows = fractions.map((f) => n * f);
  const wantedLabel = fractions.map((f) => Float64Array.from(remaining, (count) => count * f));
  const fold = new Int8Array(numGroups).fill(-1);

  const assign = (g: number, f: number): void => {
    fold[g] = f;
    wantedRows[f] -= members[g].length;
    for (const { label, count } of groupLabels[g]) {
      wantedLabel[f][label] -= count;
      remaining[label] -= count;
    }
  };
  const pickByRows = (): number =>
    wantedRows[0] > wantedRows[1] ? 0 : wantedRows[1] > wantedRows[0] ? 1 : rng.int(2);

  for (;;) {
    // The label with the fewest (but some) unassigned rows; ties broken at random.
    let label = -1;
    let ties = 0;
    for (let l = 0; l < numLabels; l++) {
      if (remaining[l] <= 0) continue;
      if (label < 0 || remaining[l] < remaining[label]) {
        label = l;
        ties = 1;
      } else if (remaining[l] === remaining[label]) {
        ties += 1;
        if (rng.int(ties) === 0) label = l;
      }
    }
    if (label < 0) break;

    for (const g of groupsWithLabel[label]) {
      if (fold[g] !== -1) continue;
      const a = wantedLabel[0][label];
      const b = wantedLabel[1][label];
      assign(g, a > b ? 0 : b > a ? 1 : pickByRows());
    }
  }
  // Groups without any label only need to balance the fold sizes.
  for (const g of order) {
    if (fold[g] === -1) assign(g, pickByRows());
  }

  const isTest = new Array<boolean>(n);
  members.forEach((rows, g) => {
    for (const i of rows) isTest[i] = fold[g] === 1;
  });
  return isTest;
}

/**
 * Index form of makeSplits. Test comes from the assignment or a fresh split; validation is always
 * carved out of train by the same grouped stratification, with a seed derived from `seed`, so
 * choices tuned on validation never see a test item or a near-duplicate of one in train.
 */
export function makeSplitIndices(
  items: readonly { id: string; description: string }[],
  targets: Float32Array,
  numLabels: number,
  options: MakeSplitsOptions,
): Splits<number> {
  const testFraction = options.testFraction ?? 0.2;
  const validationFraction = options.validationFraction ?? 0.15;
  if (targets.length !== items.length * numLabels) {
    throw new RangeError(`targets has ${targets.length} values, expected ${items.length} items x ${numLabels} labels`);
  }
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new RangeError(`validationFraction must be in [0, 1), got ${validationFraction}`);
  }
  const groups = items.map((item) => normaliseDescription(item.description));

  let isTest: boolean[];
  if (options.assignment !== undefined) {
    const assignment = options.assignment;
    const missing = items.filter((item) => !assignment.has(item.id)).map((item) => item.id);
    if (missing.length > 0) {
      const shown = missing.slice(0, 5).join(', ');
      throw new PlotlineError(
        `${missing.length} of ${items.length} items have no fold in the split file (first: ${shown}${missing.length > 5 ? ', ...' : ''}); ` +
          'the split file must list every show_id of the data',
        { file: options.splitFile },
      );
    }
    isTest = items.map((item) => assignment.get(item.id) === 'test');
  } else {
    if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
    isTest = iterativeStratifiedSplit(targets, numLabels, groups, testFraction, options.seed);
  }

  const test: number[] = [];
  const trainPool: number[] = [];
  isTest.forEach((t, i) => (t ? test : trainPool).push(i));

  const poolTargets = new Float32Array(trainPool.length * numLabels);
  trainPool.forEach((i, k) => poolTargets.set(targets.subarray(i * numLabels, (i + 1) * numLabels), k * numLabels));
  const isValidation = iterativeStratifiedSplit(
    poolTargets,
    numLabels,
    trainPool.map((i) => groups[i]),
    validationFraction,
    deriveSeed(options.seed, 0x76616c69 /* "vali" */),
  );

  const train: number[] = [];
  const validation: number[] = [];
  trainPool.forEach((i, k) => (isValidation[k] ? validation : train).push(i));
  return { train, validation, test };
}

export function makeSplits<T extends { id: string; description: string }>(
  items: T[],
  targets: Float32Array,
  numLabels: number,
  options: MakeSplitsOptions,
): Splits<T> {
  const indices = makeSplitIndices(items, targets, numLabels, options);
  return {
    train: indices.train.map((i) => items[i]),
    validation: indices.validation.map((i) => items[i]),
    test: indices.test.map((i) => items[i]),
  };
}

/** A separate stream per purpose, so adding a use of the seed never shifts an existing split. */
function deriveSeed(seed: number, purpose: number): number {
  return createRng((seed ^ purpose) >>> 0).seed();
}
