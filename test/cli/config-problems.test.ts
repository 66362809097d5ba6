import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configProblem } from '../../src/cli/config-problems.js';
import { kindConfigSchema } from '../../src/models/kinds.js';
import { errorText } from '../../src/cli/usage.js';

const problem = (kind: string, config: Record<string, unknown>): string => {
  const checked = kindConfigSchema(kind)!.safeParse(config);
  assert.ok(!checked.success, 'the config is invalid');
  return configProblem(kind, checked.error);
};

test('word vectors on a kind without words say which kinds take them', () => {
  assert.equal(problem('bag', { wordVectors: '/x.vec' }), '--word-vectors and --freeze-embeddings are for the word models cnn and bilstm, not --model bag');
  assert.match(problem('bag', { wordVectors: '/x.vec', filters: 9 }), /^invalid --config for --model bag: --word-vectors .*; "filters" is not a setting/);
});

test('unknown settings are named, and other issues keep their key, all on one line', () => {
  const text = problem('cnn', { filters: -1, zz: 1 });
  assert.match(text, /^invalid --config for --model cnn: /);
  assert.match(text, /"filters": /);
  assert.match(text, /"zz" is not a setting of --model cnn/);
  assert.doesNotMatch(text, /\n|\{|code/);
});

test('a zod error reaching the top level is one line too', () => {
  const checked = kindConfigSchema('cnn')!.safeParse({ filters: 'many' });
  assert.ok(!checked.success);
  const text = errorText(checked.error);
  assert.match(text, /^error: invalid --config: "filters": /);
  assert.equal(text.trim().split('\n').length, 1);
});
