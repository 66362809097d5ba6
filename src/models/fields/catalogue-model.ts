/**
 * A text model of any kind (bag, cnn, bilstm, use, onnx, an ensemble) with the title's catalogue
 * fields added: the field model's logits are fused with the text model's in logit space
 * (logit-fusion.ts). The text model is untouched and saved as it always is; the field part is one
 * JSON file beside it (storage).
 */
import { GenreModel, type DecisionThresholds, type FieldValueProblem, type FieldValues } from '../genre-model.js';
import type { FieldVectorizer } from './field-vectorizer.js';
import type { FieldModel } from './field-model.js';
import { fuse, type LogitFusion } from './logit-fusion.js';
import type { Manifest } from '../manifest.js';

/** 1 for each title whose field features are none (scored from its text alone by `fuse`), else 0. */
export function fieldlessRows(rows: readonly Int32Array[]): Uint8Array {
  return Uint8Array.from(rows, (ids) => (ids.length === 0 ? 1 : 0));
}

export class CatalogueModel extends GenreModel {
  constructor(
    /** The description model; its own thresholds and rules are not used. */
    readonly text: GenreModel,
    readonly vectorizer: FieldVectorizer,
    readonly fieldModel: FieldModel,
    readonly fusion: LogitFusion,
    thresholds: DecisionThresholds,
  ) {
    super(text.genres, thresholds);
    if (fieldModel.genres !== text.genres.length) throw new RangeError(`field model has ${fieldModel.genres} genres, the text model ${text.genres.length}`);
    if (fieldModel.features !== vectorizer.size) throw new RangeError(`field model reads ${fieldModel.features} features, the vectorizer makes ${vectorizer.size}`);
  }

  override get inputFields(): readonly string[] {
    return this.vectorizer.fieldNames;
  }

  /** Out-of-range values of `fields`, read as missing by the vectorizer. */
  override fieldValueProblems(fields: FieldValues | undefined): FieldValueProblem[] {
    return this.vectorizer.valueProblems(fields);
  }

  /** Whether `fields` give the field model any feature (else the title is scored from its text alone, see `score`). */
  override readsFieldsOf(fields: FieldValues | undefined): boolean {
    return this.vectorizer.transform(fields).length > 0;
  }

  /** Field logits for n titles (n x genres); a title without fields gets the field model's bias. */
  fieldLogits(fields: readonly (FieldValues | undefined)[] | undefined, n: number): Float32Array {
    return this.fieldModel.logits(this.fieldRows(fields, n));
  }

  /** The field feature ids of n titles (none for a title without fields). */
  private fieldRows(fields: readonly (FieldValues | undefined)[] | undefined, n: number): Int32Array[] {
    const rows: Int32Array[] = [];
    for (let i = 0; i < n; i++) rows.push(this.vectorizer.transform(fields?.[i]));
    return rows;
  }

  /**
   * Fused scores, n x genres. A title whose fields give no feature (none given, or none the model
   * knows) is scored from its text alone with the fusion's field-less weights, when the model has them.
   */
  async score(texts: readonly string[], fields?: readonly (FieldValues | undefined)[]): Promise<Float32Array> {
    const text = await this.text.score(texts);
    const rows = this.fieldRows(fields, texts.length);
    return fuse(text, this.fieldModel.logits(rows), this.fusion, this.genres.length, fieldlessRows(rows));
  }

  /** The text model's: the field part is saved beside it (fields.json). */
  override manifestEncoder(): Manifest['encoder'] {
    return this.text.manifestEncoder();
  }

  /** The text model's, plus the field model's weights and the fusion weights (3 shared, 3 per genre and 2 per genre for field-less titles when it has them). */
  override parameterCounts(): { trained: number; frozen: number } {
    const text = this.text.parameterCounts();
    const fusion = 3 + (this.fusion.genres === undefined ? 0 : 3 * this.genres.length) + (this.fusion.withoutFields === undefined ? 0 : 2 * this.genres.length);
    return { trained: text.trained + this.fieldModel.weights.length + this.fieldModel.bias.length + fusion, frozen: text.frozen };
  }

  override fieldPart(): { vectorizer: unknown; model: unknown } {
    return { vectorizer: this.vectorizer.toJSON(), model: this.fieldModel.toJSON() };
  }

  /** The same model over its text model without an embedding cache (same field part and rules). */
  override withoutCache(): GenreModel {
    const text = this.text.withoutCache();
    if (text === this.text) return this;
    const model = new CatalogueModel(text, this.vectorizer, this.fieldModel, this.fusion, this.thresholds);
    model.rules = this.rules;
    return model;
  }

  async dispose(): Promise<void> {
    await this.text.dispose();
  }
}
