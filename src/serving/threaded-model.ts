/**
 * The server's view of a model scored on its scoring threads: the genres, thresholds, genre-set rules
 * and input fields (from the manifest) that decide, on the HTTP thread, which genres a text gets, the
 * check of field values (`fieldValueProblems`, from the saved field vectorizers), and `score` that runs on the
 * threads. No weights are held on the HTTP thread.
 */
import { GenreModel, type FieldValueProblem, type FieldValues } from '../models/genre-model.js';
import type { FieldValueCheck } from '../models/storage.js';
import type { Manifest } from '../models/manifest.js';
import type { Explanation } from '../explain/occlusion.js';
import type { ScoringThreads } from './scoring-threads.js';

export class ThreadedModel extends GenreModel {
  private readonly fields: readonly string[];

  /**
   * @param checkFields the model's field-value check (storage.ts `readFieldChecks`' `values`), or null for a
   *   model that reads no fields.
   */
  constructor(
    manifest: Manifest,
    private readonly threads: ScoringThreads,
    private readonly checkFields: FieldValueCheck | null = null,
  ) {
    super(manifest.genres, manifest.thresholds);
    this.rules = manifest.catalogue?.rules ?? null;
    this.fields = manifest.catalogue?.fields ?? [];
  }

  /** The catalogue fields the model reads (the manifest's `catalogue.fields`). */
  override get inputFields(): readonly string[] {
    return this.fields;
  }

  /** Field values the model reads as missing (not a number, out of range), as the loaded model says them. */
  override fieldValueProblems(fields: FieldValues | undefined): FieldValueProblem[] {
    return this.checkFields?.(fields) ?? [];
  }

  /** Raw probabilities for `texts` (texts x genres, row-major), computed on a scoring thread. */
  score(texts: readonly string[], fields?: readonly (FieldValues | undefined)[]): Promise<Float32Array> {
    return this.threads.score(texts, fields);
  }

  /** The occlusion explanation of `genre` (null: the best genre) for `text`, computed on a scoring thread. */
  explain(text: string, genre: string | null, fields?: FieldValues, thresholds?: number | number[]): Promise<Explanation> {
    return this.threads.explain(text, genre, fields, thresholds);
  }

  /** Stops the scoring threads. */
  dispose(): Promise<void> {
    return this.threads.close();
  }
}
