/**
 * An ensemble of saved models: the weighted mean of their genre probabilities, with thresholds tuned
 * for the mean on validation. `plotline compare` forms one (e.g. bag+use, the best model on the standard
 * split) and, with --save-models, saves it so it can be served like any other model.
 */
import { GenreModel, type DecisionThresholds, type FieldValueProblem, type FieldValues } from '../genre-model.js';

export interface EnsembleMember {
  name: string;
  model: GenreModel;
  weight: number;
}

export class EnsembleModel extends GenreModel {
  constructor(
    readonly members: readonly EnsembleMember[],
    thresholds: DecisionThresholds,
  ) {
    if (members.length < 2) throw new RangeError(`an ensemble needs at least 2 members, got ${members.length}`);
    const genres = members[0].model.genres;
    for (const m of members) {
      if (m.model.genres.length !== genres.length || m.model.genres.some((g, j) => g !== genres[j])) {
        throw new RangeError(`ensemble member "${m.name}" has other genres than "${members[0].name}" (the members must share one genre list, in order)`);
      }
    }
    super(genres, thresholds);
  }

  /** Every field any member reads. */
  override get inputFields(): readonly string[] {
    return [...new Set(this.members.flatMap((m) => m.model.inputFields))];
  }

  async score(texts: readonly string[], fields?: readonly (FieldValues | undefined)[]): Promise<Float32Array> {
    const scores = await Promise.all(this.members.map((m) => m.model.score(texts, fields)));
    return averageScores(scores, this.members.map((m) => m.weight));
  }

  /**
   * Field values a member reads as missing (not a number, out of range), each field and problem once
   * (the first member's words): the members were fitted on one training split, so they agree.
   */
  override fieldValueProblems(fields: FieldValues | undefined): FieldValueProblem[] {
    return uniqueFieldValueProblems(this.members.map((m) => m.model.fieldValueProblems(fields)));
  }

  /** Whether any member reads something from `fields` (see GenreModel.readsFieldsOf). */
  override readsFieldsOf(fields: FieldValues | undefined): boolean {
    return this.members.some((m) => m.model.readsFieldsOf(fields));
  }

  /** An ensemble has no encoder of its own (its members, saved under members/, have theirs). */
  override manifestEncoder(): { type: 'ensemble' } {
    return { type: 'ensemble' };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.members.map((m) => m.model.dispose()));
  }
}

/** The weighted mean of several models' probability matrices (same shape). */
export function averageScores(members: readonly Float32Array[], weights: readonly number[]): Float32Array {
  const out = new Float32Array(members[0].length);
  members.forEach((scores, m) => {
    if (scores.length !== out.length) throw new RangeError(`ensemble member ${m + 1} has ${scores.length} scores, expected ${out.length}`);
    for (let i = 0; i < out.length; i++) out[i] += weights[m] * scores[i];
  });
  return out;
}

/** The members' problems with one title's field values, each field and problem once (the first member's words). */
export function uniqueFieldValueProblems(lists: readonly (readonly FieldValueProblem[])[]): FieldValueProblem[] {
  const found = new Map<string, FieldValueProblem>();
  for (const list of lists) for (const p of list) if (!found.has(`${p.field}\u0000${p.reason}`)) found.set(`${p.field}\u0000${p.reason}`, p);
  return [...found.values()];
}
