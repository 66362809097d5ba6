/**
 * Whether the folds are big enough to train on. Training needs training titles, and early stopping
 * and threshold tuning need validation titles: with none, early stopping watches nothing and the
 * thresholds stay at 0.5 while the run looks successful. A tiny data set (a dozen titles) easily
 * gets a validation slice of 0, since the slice is a share of the training fold (0.15 by default)
 * and titles sharing a description are kept together.
 */
import { PlotlineError } from '../util/errors.js';

/** Fewest validation titles that train without a warning: below it, thresholds rest on a handful of titles. */
export const FEW_VALIDATION_TITLES = 20;

/**
 * Throws a PlotlineError saying how many titles each fold needs when the training fold or the
 * validation slice is empty; returns a warning (or null) when validation has fewer than
 * FEW_VALIDATION_TITLES titles.
 */
export function checkSplitSizes(sizes: { train: number; validation: number }): string | null {
  const { train, validation } = sizes;
  if (train === 0) {
    throw new PlotlineError('the training fold is empty: training needs at least 1 training title (and at least 1 validation title); check --split and the data');
  }
  if (validation === 0) {
    throw new PlotlineError(
      `the validation slice is empty (${train} training title(s)): early stopping and threshold tuning need at least 1 validation title ` +
        `(at least ${FEW_VALIDATION_TITLES} for thresholds worth tuning). The slice is --validation-fraction (default 0.15) of the training fold, ` +
        'titles with the same description kept together: give more titles (~150 or more), or a larger --validation-fraction',
    );
  }
  if (validation < FEW_VALIDATION_TITLES) {
    return `only ${validation} validation title(s): early stopping and the tuned thresholds rest on very few examples (${FEW_VALIDATION_TITLES} or more advised)`;
  }
  return null;
}
