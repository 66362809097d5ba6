import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NgramVectorizer } from '../../../src/models/vectorizers/ngram-vectorizer.js';
import { ngramFeatures } from '../../../src/text/hashed-ngrams.js';
import { tokenize } from '../../../src/text/tokenizer.js';

const options = { buckets: 65_536, wordNgrams: 2, charNgrams: [2, 5] as const };

test('a long text is cut by tokens first: its opening keeps its char n-grams', () => {
  const premise = 'A retired detective returns to Seoul to hunt the killer who escaped him thirty years ago.';
  const long = `${premise} ${Array.from({ length: 600 }, (_, i) => `filler${i % 37}`).join(' ')}`;
  const encoder = new NgramVectorizer(options, 1024);
  const ids = encoder.encode(long);
  assert.ok(ids.length <= 1024 && ids.length > 900, `${ids.length} features`);
  // Every feature of the premise alone (its words, bigrams and char n-grams) is among the kept ones.
  const kept = new Set(ids);
  const premiseFeatures = ngramFeatures(tokenize(premise), options);
  const missing = premiseFeatures.filter((id) => !kept.has(id));
  assert.equal(missing.length, 0, `${missing.length} of the premise's ${premiseFeatures.length} features lost`);
  // The kept features are exactly those of a prefix of whole tokens.
  const tokens = tokenize(long);
  const prefix = tokens.slice(0, tokens.findIndex((_, k) => ngramFeatures(tokens.slice(0, k + 1), options).length > 1024));
  assert.deepEqual(ids, ngramFeatures(prefix, options));
});

test('a short text is untouched, and a single word too long to fit is cut inside its features', () => {
  const encoder = new NgramVectorizer(options, 1024);
  const text = 'A detective hunts a killer in 1970s Seoul.';
  assert.deepEqual(encoder.encode(text), ngramFeatures(tokenize(text), options));
  const giant = 'x'.repeat(400);
  const ids = new NgramVectorizer(options, 100).encode(giant);
  assert.equal(ids.length, 100);
  assert.deepEqual(ids, ngramFeatures([giant], options).slice(0, 100));
});
