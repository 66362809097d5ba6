import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, KIND_NAMES, TRAINABLE_KIND_NAMES, findKind, headKind, kindConfigSchema, kindNames, kindNeedsEncoder, scratchKind } from '../../src/models/kinds.js';
import { PlotlineError } from '../../src/util/errors.js';

test('one registry: every kind with its family, in the order the CLI lists them', () => {
  assert.deepEqual(KIND_NAMES, ['cnn', 'bilstm', 'bag', 'use', 'onnx', 'ensemble']);
  assert.deepEqual(kindNames('scratch'), ['cnn', 'bilstm', 'bag']);
  assert.deepEqual(kindNames('encoder-head'), ['use', 'onnx']);
  assert.deepEqual(kindNames('ensemble'), ['ensemble']);
  assert.deepEqual(TRAINABLE_KIND_NAMES, ['cnn', 'bilstm', 'bag', 'use', 'onnx']);
  for (const name of KIND_NAMES) assert.equal(findKind(name)?.name, name);
});

test('names that are not kinds, including inherited property names, are not found', () => {
  for (const name of ['lstm', 'toString', '__proto__', 'constructor', '']) assert.equal(findKind(name), undefined, name);
  assert.equal(kindConfigSchema('lstm'), undefined);
});

test('family accessors refuse a kind of another family with a PlotlineError', () => {
  assert.equal(scratchKind('bag'), KINDS.bag);
  assert.equal(headKind('use'), KINDS.use);
  assert.throws(() => scratchKind('use'), (error: Error) => error instanceof PlotlineError && /"use" is not a model kind trained from scratch \(cnn, bilstm, bag\)/.test(error.message));
  assert.throws(() => headKind('bag'), PlotlineError);
  assert.throws(() => headKind('ensemble'), PlotlineError);
});

test('kind questions: which needs --encoder, and each kind validates its own config', () => {
  assert.deepEqual(KIND_NAMES.filter(kindNeedsEncoder), ['onnx']);
  assert.equal(kindConfigSchema('bag')!.safeParse({ buckets: 1024 }).success, true);
  assert.equal(kindConfigSchema('bag')!.safeParse({ filters: 96 }).success, false);
  assert.equal(kindConfigSchema('use')!.safeParse({ hidden: [256] }).success, true);
  assert.equal(kindConfigSchema('ensemble')!.safeParse({ members: [{ name: 'bag', weight: 1 }] }).success, false);
});
