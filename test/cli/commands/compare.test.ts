import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withVectorTwins } from '../../../src/cli/commands/compare.js';
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

test('an entry that already reads vectors gets no twin', () => {
  const models = parseCompareConfig({ models: [{ kind: 'cnn', name: 'cnn-glove', config: { wordVectors: '/a.vec' } }] }).models;
  assert.deepEqual(withVectorTwins(models, '/b.vec', false).map((m) => m.name), ['cnn-glove']);
});
