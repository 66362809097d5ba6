/**
 * Reads a Hugging Face model folder with an ONNX export and decides, before any session is created,
 * everything that shapes the vectors: which ONNX file, how token vectors are pooled, whether the
 * result is L2-normalised, how many tokens are read, and the hashes that name the encoder. A folder
 * that is incomplete or asks for something Plotline cannot reproduce fails here, naming the file and
 * field, instead of producing plausible but wrong vectors later.
 *
 * Decisions (the sentence-transformers files, when present, are the model author's word):
 * - ONNX file: `onnx/model.onnx` (full precision, the reference vectors) if present, else
 *   `onnx/model_quantized.onnx`. A quantised file changes the vectors, and the file hash in the id
 *   says which one was used.
 * - Pooling: from the Pooling module's config (the path modules.json gives, else `1_Pooling/`);
 *   `pooling_mode_mean_tokens` -> mean, `pooling_mode_cls_token` -> cls, any other or several modes
 *   fail. With no pooling config at all it is mean: what sentence-transformers itself does when it
 *   wraps a plain transformers model, and better than a CLS vector the model was never trained to make.
 * - Normalisation: only when modules.json lists `sentence_transformers.models.Normalize`. Other
 *   module types (Dense, ...) fail: their weights are not part of the ONNX export.
 * - Max length: sentence_bert_config.json `max_seq_length`, else tokenizer_config.json
 *   `model_max_length` (ignoring the "unset" sentinel, ~1e30), else config.json
 *   `max_position_embeddings`, else 512; always capped at `max_position_embeddings`.
 * - Id: `onnx:<folder name>:<12 hex>`, the hex a sha256 over the ONNX and tokenizer.json hashes
 *   and the pooling, normalisation and max length, so two encoders with the same id give the same
 *   vectors even when only a sentence-transformers setting differs.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../../util/file-hash.js';
import { readJsonFile } from '../../util/json-file.js';
import { PlotlineError } from '../../util/errors.js';

export type Pooling = 'mean' | 'cls';

export interface EncoderFile {
  /** Relative to the folder, with `/` separators. */
  path: string;
  sha256: string;
}

export interface EncoderFolder {
  /** Absolute. */
  dir: string;
  /** Relative to `dir`: `onnx/model.onnx` or `onnx/model_quantized.onnx`. */
  modelFile: string;
  quantized: boolean;
  dimension: number;
  pooling: Pooling;
  normalize: boolean;
  maxLength: number;
  /** Every file read, in a fixed order: config, tokenizer, ONNX, then the sentence-transformers files. */
  files: EncoderFile[];
  id: string;
}

export const MODEL_FILE = 'onnx/model.onnx';
export const QUANTIZED_MODEL_FILE = 'onnx/model_quantized.onnx';
const DEFAULT_MAX_LENGTH = 512;
/** transformers writes int(1e30) as model_max_length when a tokenizer has no limit of its own. */
const UNSET_MODEL_MAX_LENGTH = 1e6;

const TRANSFORMER_MODULE = 'sentence_transformers.models.Transformer';
const POOLING_MODULE = 'sentence_transformers.models.Pooling';
const NORMALIZE_MODULE = 'sentence_transformers.models.Normalize';

type Json = Record<string, unknown>;

export async function resolveEncoderFolder(folder: string): Promise<EncoderFolder> {
  const dir = path.resolve(folder);
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new PlotlineError('not a folder: expected a Hugging Face model folder with an ONNX export', { file: dir });
  }
  const at = (relative: string): string => path.join(dir, ...relative.split('/'));

  const config = await readJson(at('config.json'), 'the model configuration (hidden_size, max_position_embeddings)');
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) {
    if (!(await isFile(at(file)))) {
      throw new PlotlineError(`missing: the tokenizer needs ${file} (export it with the model's tokenizer)`, { file: at(file) });
    }
  }
  const tokenizerConfig = await readJson(at('tokenizer_config.json'), 'the tokenizer settings');
  const modelFile = (await isFile(at(MODEL_FILE)))
    ? MODEL_FILE
    : (await isFile(at(QUANTIZED_MODEL_FILE)))
      ? QUANTIZED_MODEL_FILE
      : undefined;
  if (modelFile === undefined) {
    throw new PlotlineError(`missing: no ONNX model (looked for ${MODEL_FILE}, then ${QUANTIZED_MODEL_FILE})`, { file: at(MODEL_FILE) });
  }

  const sentenceTransformer = await readSentenceTransformerSettings(at);
  const dimension = readDimension(config, at('config.json'));
  if (sentenceTransformer.poolingDimension !== undefined && sentenceTransformer.poolingDimension !== dimension) {
    throw new PlotlineError(
      `is ${sentenceTransformer.poolingDimension} but config.json says the model's vectors have ${dimension} values`,
      { file: at(sentenceTransformer.poolingFile ?? 'config.json'), field: 'word_embedding_dimension' },
    );
  }
  const maxLength = readMaxLength(config, tokenizerConfig, sentenceTransformer.maxSeqLength, at);

  const used = ['config.json', 'tokenizer.json', 'tokenizer_config.json', modelFile, ...sentenceTransformer.files];
  const files = await Promise.all(used.map(async (file) => ({ path: file, sha256: await sha256File(at(file)) })));
  const hashOf = (file: string): string => files.find((f) => f.path === file)?.sha256 ?? '';
  const digest = createHash('sha256')
    .update(
      [
        `onnx ${hashOf(modelFile)}`,
        `tokenizer ${hashOf('tokenizer.json')}`,
        `pooling ${sentenceTransformer.pooling}`,
        `normalize ${sentenceTransformer.normalize}`,
        `maxLength ${maxLength}`,
      ].join('\n'),
    )
    .digest('hex');

  return {
    dir,
    modelFile,
    quantized: modelFile === QUANTIZED_MODEL_FILE,
    dimension,
    pooling: sentenceTransformer.pooling,
    normalize: sentenceTransformer.normalize,
    maxLength,
    files,
    id: `onnx:${path.basename(dir)}:${digest.slice(0, 12)}`,
  };
}

interface SentenceTransformerSettings {
  pooling: Pooling;
  normalize: boolean;
  poolingDimension?: number;
  /** Relative path of the pooling config read, if any. */
  poolingFile?: string;
  maxSeqLength?: number;
  /** Relative paths of the sentence-transformers files read. */
  files: string[];
}

async function readSentenceTransformerSettings(at: (relative: string) => string): Promise<SentenceTransformerSettings> {
  const files: string[] = [];
  let normalize = false;
  let poolingFile: string | undefined;

  if (await isFile(at('modules.json'))) {
    files.push('modules.json');
    const modules = await readJsonValue(at('modules.json'), 'the sentence-transformers modules');
    if (!Array.isArray(modules)) {
      throw new PlotlineError('expected a JSON array of modules', { file: at('modules.json') });
    }
    for (const [i, module] of modules.entries()) {
      const type = isObject(module) ? module.type : undefined;
      const modulePath = isObject(module) ? module.path : undefined;
      if (typeof type !== 'string') {
        throw new PlotlineError(`module ${i} has no "type"`, { file: at('modules.json'), field: 'type' });
      }
      if (type === POOLING_MODULE) {
        const folder = typeof modulePath === 'string' ? modulePath.replace(/\/+$/, '') : '';
        poolingFile = folder === '' ? 'config.json' : `${folder}/config.json`;
      } else if (type === NORMALIZE_MODULE) {
        normalize = true;
      } else if (type !== TRANSFORMER_MODULE) {
        throw new PlotlineError(
          `module type "${type}" is not supported: only Transformer, Pooling and Normalize can be reproduced from the ONNX export`,
          { file: at('modules.json'), field: 'type' },
        );
      }
    }
    if (poolingFile !== undefined && !(await isFile(at(poolingFile)))) {
      throw new PlotlineError('missing: modules.json lists a Pooling module whose config.json is not there', { file: at(poolingFile) });
    }
  } else if (await isFile(at('1_Pooling/config.json'))) {
    poolingFile = '1_Pooling/config.json';
  }

  let pooling: Pooling = 'mean';
  let poolingDimension: number | undefined;
  if (poolingFile !== undefined) {
    files.push(poolingFile);
    const config = await readJson(at(poolingFile), 'the pooling settings');
    pooling = readPoolingMode(config, at(poolingFile));
    poolingDimension = optionalPositiveInteger(config, 'word_embedding_dimension', at(poolingFile));
  }

  let maxSeqLength: number | undefined;
  if (await isFile(at('sentence_bert_config.json'))) {
    files.push('sentence_bert_config.json');
    const config = await readJson(at('sentence_bert_config.json'), 'the sentence-transformers settings');
    maxSeqLength = optionalPositiveInteger(config, 'max_seq_length', at('sentence_bert_config.json'));
  }
  return { pooling, normalize, poolingDimension, poolingFile, maxSeqLength, files };
}

function readPoolingMode(config: Json, file: string): Pooling {
  const enabled = Object.keys(config).filter((key) => key.startsWith('pooling_mode_') && config[key] === true);
  if (enabled.length !== 1) {
    throw new PlotlineError(
      enabled.length === 0
        ? 'no pooling mode is true: expected pooling_mode_mean_tokens or pooling_mode_cls_token'
        : `several pooling modes are true (${enabled.join(', ')}): only one of mean or cls is supported`,
      { file },
    );
  }
  const [mode] = enabled;
  if (mode === 'pooling_mode_mean_tokens') return 'mean';
  if (mode === 'pooling_mode_cls_token') return 'cls';
  throw new PlotlineError('is not supported: only pooling_mode_mean_tokens and pooling_mode_cls_token are', { file, field: mode });
}

function readDimension(config: Json, file: string): number {
  // BERT, RoBERTa, MPNet... say hidden_size; DistilBERT says dim.
  for (const field of ['hidden_size', 'dim']) {
    const value = optionalPositiveInteger(config, field, file);
    if (value !== undefined) return value;
  }
  throw new PlotlineError('missing: the width of the model\'s vectors (a positive integer)', { file, field: 'hidden_size' });
}

function readMaxLength(config: Json, tokenizerConfig: Json, maxSeqLength: number | undefined, at: (relative: string) => string): number {
  const positions = optionalPositiveInteger(config, 'max_position_embeddings', at('config.json'));
  let modelMaxLength = optionalPositiveNumber(tokenizerConfig, 'model_max_length', at('tokenizer_config.json'));
  if (modelMaxLength !== undefined && (modelMaxLength >= UNSET_MODEL_MAX_LENGTH || !Number.isInteger(modelMaxLength))) {
    modelMaxLength = undefined;
  }
  const wanted = maxSeqLength ?? modelMaxLength ?? positions ?? DEFAULT_MAX_LENGTH;
  return positions === undefined ? wanted : Math.min(wanted, positions);
}

function optionalPositiveInteger(config: Json, field: string, file: string): number | undefined {
  const value = optionalPositiveNumber(config, field, file);
  if (value !== undefined && !Number.isInteger(value)) {
    throw new PlotlineError(`expected a positive integer, got ${JSON.stringify(config[field])}`, { file, field });
  }
  return value;
}

function optionalPositiveNumber(config: Json, field: string, file: string): number | undefined {
  const value = config[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !(value > 0)) {
    throw new PlotlineError(`expected a positive number, got ${JSON.stringify(value)}`, { file, field });
  }
  return value;
}

async function readJson(file: string, what: string): Promise<Json> {
  const value = await readJsonValue(file, what);
  if (!isObject(value)) throw new PlotlineError(`expected a JSON object (${what})`, { file });
  return value;
}

function readJsonValue(file: string, what: string): Promise<unknown> {
  return readJsonFile(file, {
    readError: (code) => (code === 'ENOENT' ? `missing: ${what}` : `cannot read (${code}): ${what}`),
    invalid: (detail) => `not valid JSON (${detail})`,
  });
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
