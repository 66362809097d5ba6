/**
 * A model that reads catalogue fields (src/models/fields/catalogue-model.ts) adds to its text model's
 * graph the field model and the logit fusion:
 *   z_fields = bias + sum of the weight rows of the title's field features,
 *   scores = sigmoid(a * logit(clip(p_text, 1e-6, 1 - 1e-6)) + c * z_fields + d),
 * with a, c, d vectors of one weight per genre (logit-fusion.ts), broadcast over the batch.
 * Input `field_ids` int64 [batch, count]: each title's field feature indices (the field vectorizer's
 * output, src/models/fields/field-vectorizer.ts) plus 1, padded with 0 (a zero row); a title without
 * fields is all padding and gets the field model's bias, as in Plotline; when the fusion has
 * field-less weights, such a title is scored sigmoid(a0 * logit(p_text) + d0) instead (a Where on the
 * count of its non-padding ids), as CatalogueModel.score does.
 */
import type { FieldModel } from '../models/fields/field-model.js';
import { genreWeights, type LogitFusion } from '../models/fields/logit-fusion.js';
import { FLOAT, INT64, type OnnxGraph } from '../util/onnx-graph.js';

/** Adds the field model and the fusion on top of `textProbabilities`; returns the fused probabilities' name. */
export function addFieldFusion(g: OnnxGraph, textProbabilities: string, fieldModel: FieldModel, fusion: LogitFusion): string {
  const k = fieldModel.genres;
  const table = new Float32Array((fieldModel.features + 1) * k);
  table.set(fieldModel.weights, k); // row 0: padding
  const fieldIds = g.input('field_ids', INT64, ['batch', 'fields']);
  const rows = g.op('Gather', [g.float('field_weights', [fieldModel.features + 1, k], table), fieldIds], { axis: 0 });
  const fieldLogits = g.op('Add', [g.op('ReduceSum', [rows, g.int64('field_axis_1', [1], [1])], { keepdims: 0 }), g.float('field_bias', [k], fieldModel.bias)]);
  const clipped = g.op('Clip', [textProbabilities, g.float('clip_min', [], [1e-6]), g.float('clip_max', [], [1 - 1e-6])]);
  const textLogits = g.op('Log', [g.op('Div', [clipped, g.op('Sub', [g.float('one', [], [1]), clipped])])]);
  const w = genreWeights(fusion, k);
  const fused = g.op('Add', [
    g.op('Add', [g.op('Mul', [textLogits, g.float('fusion_text', [k], w.text)]), g.op('Mul', [fieldLogits, g.float('fusion_fields', [k], w.fields)])]),
    g.float('fusion_bias', [k], w.bias),
  ]);
  const alone = fusion.withoutFields;
  if (alone === undefined) return g.op('Sigmoid', [fused]);
  // A title with no field feature (all padding) is scored from its text alone, as CatalogueModel does.
  const featureCount = g.op('ReduceSum', [g.op('Cast', [g.op('Greater', [fieldIds, g.int64('zero_id', [], [0])])], { to: FLOAT }), g.int64('count_axis_1', [1], [1])], { keepdims: 1 });
  const hasFields = g.op('Greater', [featureCount, g.float('zero_count', [], [0])]);
  const textOnly = g.op('Add', [g.op('Mul', [textLogits, g.float('fieldless_text', [k], Float32Array.from(alone.text))]), g.float('fieldless_bias', [k], Float32Array.from(alone.bias))]);
  return g.op('Sigmoid', [g.op('Where', [hasFields, fused, textOnly])]);
}
