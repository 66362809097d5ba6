/**
 * A tiny BERT-shaped ONNX model, built in the test from seeded random weights, in a Hugging Face
 * folder next to the real all-MiniLM-L6-v2 tokenizer files. It lets the ONNX encoder be tested end to
 * end (tokenizer -> graph -> pooling) without downloading a real model, in milliseconds rather than
 * seconds. The graph follows BERT closely enough that the properties the encoder relies on hold for
 * real exports too: padded positions get a -10000 attention bias, so a text's token vectors do not
 * depend on what it was batched with, and the output is `last_hidden_state` [batch, seq, hidden].
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRng, type Rng } from '../../src/util/random.js';
import { FLOAT, INT64, OnnxGraph } from '../../src/util/onnx-graph.js';

/** `../shared` relative to the repository root (tests run from the root), where the real tokenizer lives. */
export const sharedMiniLmDir = path.resolve(process.cwd(), '../shared/models/all-MiniLM-L6-v2');

/** `false` when the shared tokenizer files are present, else the reason to skip (for `test(..., { skip })`). */
export const noSharedMiniLm: false | string = fs.existsSync(path.join(sharedMiniLmDir, 'tokenizer.json'))
  ? false
  : `shared model files not found at ${sharedMiniLmDir}; skipping the tests that need the real tokenizer`;

export interface TinyBertShape {
  vocabSize: number;
  hidden: number;
  heads: number;
  layers: number;
  intermediate: number;
  maxPositions: number;
  typeVocab: number;
}

/** Vocabulary and position table match all-MiniLM-L6-v2 so its tokenizer can drive the graph. */
export const TINY_BERT: TinyBertShape = {
  vocabSize: 30522,
  hidden: 32,
  heads: 2,
  layers: 2,
  intermediate: 64,
  maxPositions: 512,
  typeVocab: 2,
};

/** The ONNX bytes of a tiny BERT encoder; the same seed gives the same bytes. */
export function buildTinyBertOnnx(seed = 7, shape: TinyBertShape = TINY_BERT): Uint8Array {
  const rng = createRng(seed);
  const b = new GraphBuilder(rng);
  const { hidden: H, heads, intermediate: I } = shape;
  const headDim = H / heads;

  // Embeddings: word + position + token type, then LayerNorm.
  const wordEmb = b.weight('embeddings.word', [shape.vocabSize, H], 1);
  const posEmb = b.weight('embeddings.position', [shape.maxPositions, H], 1);
  const typeEmb = b.weight('embeddings.token_type', [shape.typeVocab, H], 1);
  const words = b.op('Gather', [wordEmb, 'input_ids']);
  const inputShape = b.op('Shape', ['input_ids']);
  const seqLen = b.op('Gather', [inputShape, b.int64('one_scalar', [], [1])], { axis: 0 });
  const positionIds = b.op('Range', [b.int64('zero', [], [0]), seqLen, b.int64('step', [], [1])]);
  const positions = b.op('Gather', [posEmb, positionIds]);
  const types = b.op('Gather', [typeEmb, 'token_type_ids']);
  const embedded = b.op('Add', [b.op('Add', [words, positions]), types]);
  let x = b.layerNorm('embeddings.norm', embedded, H);

  // Attention bias: 0 where attended, -10000 at padding; [batch, 1, 1, seq] broadcasts over heads and queries.
  const maskFloat = b.op('Cast', ['attention_mask'], { to: FLOAT });
  const inverted = b.op('Sub', [b.float('one', [], [1]), maskFloat]);
  const bias = b.op('Mul', [inverted, b.float('minus_10000', [], [-10000])]);
  const maskBias = b.op('Unsqueeze', [bias, b.int64('mask_axes', [2], [1, 2])]);

  const splitHeads = b.int64('split_heads_shape', [4], [0, 0, heads, headDim]);
  const mergeHeads = b.int64('merge_heads_shape', [3], [0, 0, H]);
  const scale = b.float('attention_scale', [], [1 / Math.sqrt(headDim)]);
  for (let l = 0; l < shape.layers; l++) {
    const p = `layer${l}`;
    const project = (name: string): string => b.linear(`${p}.${name}`, x, H, H);
    const q = b.op('Transpose', [b.op('Reshape', [project('query'), splitHeads])], { perm: [0, 2, 1, 3] });
    const k = b.op('Transpose', [b.op('Reshape', [project('key'), splitHeads])], { perm: [0, 2, 3, 1] });
    const v = b.op('Transpose', [b.op('Reshape', [project('value'), splitHeads])], { perm: [0, 2, 1, 3] });
    const scores = b.op('Add', [b.op('Mul', [b.op('MatMul', [q, k]), scale]), maskBias]);
    const probs = b.op('Softmax', [scores], { axis: -1 });
    const context = b.op('Reshape', [b.op('Transpose', [b.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }), mergeHeads]);
    const attended = b.linear(`${p}.attention_output`, context, H, H);
    x = b.layerNorm(`${p}.attention_norm`, b.op('Add', [attended, x]), H);

    const up = b.gelu(b.linear(`${p}.intermediate`, x, H, I));
    const down = b.linear(`${p}.output`, up, I, H);
    x = b.layerNorm(`${p}.output_norm`, b.op('Add', [down, x]), H);
  }
  b.op('Identity', [x], {}, 'last_hidden_state');
  for (const name of ['input_ids', 'attention_mask', 'token_type_ids']) b.input(name, INT64, ['batch_size', 'sequence_length']);
  b.output('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', H]);
  return b.encode('tiny_bert', 'a tiny BERT-shaped encoder for tests');
}

export interface TinyBertFolderOptions {
  seed?: number;
  /** Written to 1_Pooling/config.json (default mean, as in all-MiniLM-L6-v2). */
  pooling?: 'mean' | 'cls';
  /** Keep the Normalize module in modules.json (default true, as in all-MiniLM-L6-v2). */
  normalize?: boolean;
  /** Name under onnx/ (default model.onnx). */
  onnxFile?: 'model.onnx' | 'model_quantized.onnx';
}

/**
 * Writes a Hugging Face layout folder at `dir`: the all-MiniLM-L6-v2 tokenizer and sentence-transformers
 * files, config.json resized to the tiny model, and onnx/<onnxFile>. Needs the shared files (see
 * `noSharedMiniLm`). Returns `dir`.
 */
export function writeTinyBertFolder(dir: string, options: TinyBertFolderOptions = {}): string {
  const shape = TINY_BERT;
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  fs.mkdirSync(path.join(dir, '1_Pooling'), { recursive: true });
  for (const file of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt', 'sentence_bert_config.json']) {
    // Copied by content, not mode: the shared files are read-only and tests edit or delete their copies.
    fs.writeFileSync(path.join(dir, file), fs.readFileSync(path.join(sharedMiniLmDir, file)));
  }
  const readShared = (file: string): Record<string, unknown> =>
    JSON.parse(fs.readFileSync(path.join(sharedMiniLmDir, file), 'utf8')) as Record<string, unknown>;
  const writeJson = (file: string, value: unknown): void => fs.writeFileSync(path.join(dir, file), JSON.stringify(value, null, 2));

  writeJson('config.json', {
    ...readShared('config.json'),
    hidden_size: shape.hidden,
    num_attention_heads: shape.heads,
    num_hidden_layers: shape.layers,
    intermediate_size: shape.intermediate,
    max_position_embeddings: shape.maxPositions,
    vocab_size: shape.vocabSize,
    type_vocab_size: shape.typeVocab,
  });
  const pooling = options.pooling ?? 'mean';
  writeJson('1_Pooling/config.json', {
    ...readShared('1_Pooling/config.json'),
    word_embedding_dimension: shape.hidden,
    pooling_mode_cls_token: pooling === 'cls',
    pooling_mode_mean_tokens: pooling === 'mean',
  });
  const modules = readShared('modules.json') as unknown as { type: string }[];
  writeJson(
    'modules.json',
    options.normalize === false ? modules.filter((m) => m.type !== 'sentence_transformers.models.Normalize') : modules,
  );
  fs.writeFileSync(path.join(dir, 'onnx', options.onnxFile ?? 'model.onnx'), buildTinyBertOnnx(options.seed ?? 7, shape));
  return dir;
}

/** The shared graph builder plus seeded weights and BERT's building blocks. */
class GraphBuilder extends OnnxGraph {
  private blocks = 0;

  constructor(private readonly rng: Rng) {
    super();
  }

  /** Uniform in [-scale, scale), drawn in row-major order from the seeded generator. */
  weight(name: string, dims: number[], scale: number): string {
    const values = new Float32Array(dims.reduce((a, d) => a * d, 1));
    for (let i = 0; i < values.length; i++) values[i] = (this.rng.next() * 2 - 1) * scale;
    return this.float(name, dims, values);
  }

  /** x W + b with W [inputs, outputs] scaled so activations stay near unit size. */
  linear(name: string, x: string, inputs: number, outputs: number): string {
    const w = this.weight(`${name}.weight`, [inputs, outputs], Math.sqrt(3 / inputs));
    const bias = this.weight(`${name}.bias`, [outputs], 0.1);
    return this.op('Add', [this.op('MatMul', [x, w]), bias]);
  }

  layerNorm(name: string, x: string, width: number): string {
    const gamma = this.float(`${name}.gamma`, [width], new Array<number>(width).fill(1));
    const beta = this.weight(`${name}.beta`, [width], 0.1);
    return this.op('LayerNormalization', [x, gamma, beta], { axis: -1, epsilon: { float: 1e-12 } });
  }

  /** The exact (erf) GELU BERT uses: x * 0.5 * (1 + erf(x / sqrt 2)). */
  gelu(x: string): string {
    const n = this.blocks++;
    const erf = this.op('Erf', [this.op('Mul', [x, this.float(`gelu_inv_sqrt2_${n}`, [], [Math.SQRT1_2])])]);
    const onePlus = this.op('Add', [erf, this.float(`gelu_one_${n}`, [], [1])]);
    return this.op('Mul', [this.op('Mul', [x, onePlus]), this.float(`gelu_half_${n}`, [], [0.5])]);
  }
}
