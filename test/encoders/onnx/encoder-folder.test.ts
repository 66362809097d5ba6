/**
 * Folder resolution on small hand-written folders (no real model needed): which ONNX file, which
 * pooling, normalisation and max length, the hashes, and errors that name the file and field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { resolveEncoderFolder } from '../../../src/encoders/onnx/encoder-folder.js';
import { fixtureFolder, rejectsWith } from '../../helpers/files.js';

const root = fixtureFolder('encoder-folder');
let counter = 0;

const BERT_CONFIG = { model_type: 'bert', hidden_size: 32, max_position_embeddings: 512 };
const MODULES = [
  { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
  { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
  { idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' },
];
const POOLING = { word_embedding_dimension: 32, pooling_mode_cls_token: false, pooling_mode_mean_tokens: true, pooling_mode_max_tokens: false };

/** A folder with the given files (objects are written as JSON; `undefined` leaves the file out). */
function folder(files: Record<string, unknown>): string {
  const dir = path.join(root.dir, `m${counter++}`);
  const all: Record<string, unknown> = {
    'config.json': BERT_CONFIG,
    'tokenizer.json': '{"model":{"type":"WordPiece"}}',
    'tokenizer_config.json': { model_max_length: 512 },
    'onnx/model.onnx': 'not really onnx',
    ...files,
  };
  for (const [name, content] of Object.entries(all)) {
    if (content === undefined) continue;
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const sentenceTransformers = {
  'modules.json': MODULES,
  '1_Pooling/config.json': POOLING,
  'sentence_bert_config.json': { max_seq_length: 256, do_lower_case: false },
};

test('a sentence-transformers folder: mean pooling, normalised, max_seq_length, model.onnx', async () => {
  const dir = folder(sentenceTransformers);
  const resolved = await resolveEncoderFolder(dir);
  assert.equal(resolved.dir, dir);
  assert.equal(resolved.modelFile, 'onnx/model.onnx');
  assert.equal(resolved.quantized, false);
  assert.equal(resolved.dimension, 32);
  assert.equal(resolved.pooling, 'mean');
  assert.equal(resolved.normalize, true);
  assert.equal(resolved.maxLength, 256);
  assert.deepEqual(
    resolved.files.map((f) => f.path),
    ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'modules.json', '1_Pooling/config.json', 'sentence_bert_config.json'],
  );
  assert.match(resolved.id, new RegExp(`^onnx:${path.basename(dir)}:[0-9a-f]{12}$`));
});

test('file hashes are the sha256sum of each file', async () => {
  const dir = folder(sentenceTransformers);
  const { files } = await resolveEncoderFolder(dir);
  const output = execFileSync('sha256sum', files.map((f) => f.path), { cwd: dir, encoding: 'utf8' });
  const expected = output.trim().split('\n').map((line) => {
    const [sha256, file] = line.split(/\s+\*?/);
    return { path: file, sha256 };
  });
  assert.deepEqual(files, expected);
});

test('the id is stable, and changes with the weights or a setting that changes the vectors', async () => {
  const a = await resolveEncoderFolder(folder(sentenceTransformers));
  const b = await resolveEncoderFolder(path.join(root.dir, path.basename(a.dir)));
  assert.equal(a.id, b.id);
  const suffix = (id: string): string => id.split(':')[2];
  const same = await resolveEncoderFolder(folder(sentenceTransformers));
  assert.equal(suffix(same.id), suffix(a.id), 'same files in another folder: same hash part');
  const otherWeights = await resolveEncoderFolder(folder({ ...sentenceTransformers, 'onnx/model.onnx': 'other weights' }));
  assert.notEqual(suffix(otherWeights.id), suffix(a.id));
  const cls = await resolveEncoderFolder(
    folder({ ...sentenceTransformers, '1_Pooling/config.json': { ...POOLING, pooling_mode_cls_token: true, pooling_mode_mean_tokens: false } }),
  );
  assert.equal(cls.pooling, 'cls');
  assert.notEqual(suffix(cls.id), suffix(a.id));
});

test('model.onnx is preferred; model_quantized.onnx is the fallback', async () => {
  const both = await resolveEncoderFolder(folder({ 'onnx/model_quantized.onnx': 'q8' }));
  assert.equal(both.modelFile, 'onnx/model.onnx');
  const quantized = await resolveEncoderFolder(folder({ 'onnx/model.onnx': undefined, 'onnx/model_quantized.onnx': 'q8' }));
  assert.equal(quantized.modelFile, 'onnx/model_quantized.onnx');
  assert.equal(quantized.quantized, true);
  assert.ok(quantized.files.some((f) => f.path === 'onnx/model_quantized.onnx'));
});

test('a plain transformers folder: mean pooling, not normalised, tokenizer max length capped by the positions', async () => {
  const plain = await resolveEncoderFolder(folder({}));
  assert.equal(plain.pooling, 'mean');
  assert.equal(plain.normalize, false);
  assert.equal(plain.maxLength, 512);
  const capped = await resolveEncoderFolder(folder({ 'config.json': { ...BERT_CONFIG, max_position_embeddings: 128 } }));
  assert.equal(capped.maxLength, 128);
  // transformers' "no limit" sentinel falls through to the position count.
  const unset = await resolveEncoderFolder(folder({ 'tokenizer_config.json': { model_max_length: 1e30 } }));
  assert.equal(unset.maxLength, 512);
  // DistilBERT names the width `dim`.
  const distil = await resolveEncoderFolder(folder({ 'config.json': { model_type: 'distilbert', dim: 48, max_position_embeddings: 512 } }));
  assert.equal(distil.dimension, 48);
  // 1_Pooling without modules.json still sets the pooling.
  const poolingOnly = await resolveEncoderFolder(
    folder({ '1_Pooling/config.json': { ...POOLING, pooling_mode_cls_token: true, pooling_mode_mean_tokens: false } }),
  );
  assert.equal(poolingOnly.pooling, 'cls');
});

test('missing files are named', async () => {
  const noOnnx = await rejectsWith(resolveEncoderFolder(folder({ 'onnx/model.onnx': undefined })));
  assert.match(noOnnx.message, /onnx[/\\]model\.onnx.*model_quantized\.onnx/);
  const noTokenizer = await rejectsWith(resolveEncoderFolder(folder({ 'tokenizer.json': undefined })));
  assert.match(noTokenizer.message, /tokenizer\.json: missing/);
  const noTokenizerConfig = await rejectsWith(resolveEncoderFolder(folder({ 'tokenizer_config.json': undefined })));
  assert.match(noTokenizerConfig.message, /tokenizer_config\.json: missing/);
  const noConfig = await rejectsWith(resolveEncoderFolder(folder({ 'config.json': undefined })));
  assert.match(noConfig.message, /config\.json: missing/);
  const noPooling = await rejectsWith(resolveEncoderFolder(folder({ 'modules.json': MODULES })));
  assert.match(noPooling.message, /1_Pooling[/\\]config\.json: missing/);
  const notAFolder = await rejectsWith(resolveEncoderFolder(path.join(root.dir, 'absent')));
  assert.match(notAFolder.message, /absent: not a folder/);
});

test('settings Plotline cannot reproduce are refused, naming the file and field', async () => {
  const max = await rejectsWith(
    resolveEncoderFolder(folder({ ...sentenceTransformers, '1_Pooling/config.json': { ...POOLING, pooling_mode_mean_tokens: false, pooling_mode_max_tokens: true } })),
  );
  assert.match(max.message, /1_Pooling[/\\]config\.json, field "pooling_mode_max_tokens": is not supported/);
  const several = await rejectsWith(
    resolveEncoderFolder(folder({ ...sentenceTransformers, '1_Pooling/config.json': { ...POOLING, pooling_mode_cls_token: true } })),
  );
  assert.match(several.message, /several pooling modes/);
  const dense = await rejectsWith(
    resolveEncoderFolder(folder({ ...sentenceTransformers, 'modules.json': [...MODULES, { path: '3_Dense', type: 'sentence_transformers.models.Dense' }] })),
  );
  assert.match(dense.message, /modules\.json, field "type": module type "sentence_transformers\.models\.Dense" is not supported/);
  const width = await rejectsWith(resolveEncoderFolder(folder({ 'config.json': { model_type: 'bert', hidden_size: 'big' } })));
  assert.match(width.message, /config\.json, field "hidden_size": expected a positive number/);
  const mismatch = await rejectsWith(
    resolveEncoderFolder(folder({ ...sentenceTransformers, '1_Pooling/config.json': { ...POOLING, word_embedding_dimension: 384 } })),
  );
  assert.match(mismatch.message, /field "word_embedding_dimension": is 384 but config\.json says/);
  const badJson = await rejectsWith(resolveEncoderFolder(folder({ 'sentence_bert_config.json': '{"max_seq_length": 2' })));
  assert.match(badJson.message, /sentence_bert_config\.json: not valid JSON/);
  const badLength = await rejectsWith(resolveEncoderFolder(folder({ 'sentence_bert_config.json': { max_seq_length: 0 } })));
  assert.match(badLength.message, /field "max_seq_length"/);
});
