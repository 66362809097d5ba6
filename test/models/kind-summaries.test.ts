import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KIND_NAMES, KIND_SUMMARIES } from '../../src/models/kind-summaries.js';
import { KINDS, TRAINABLE_KIND_NAMES, type KindEntry } from '../../src/models/kinds.js';
import { LOSSES } from '../../src/models/loss-names.js';
import { lossFunction } from '../../src/models/losses.js';

test('the light kind list (--help) names exactly the registered kinds, in order, with their summaries', () => {
  assert.deepEqual(KIND_NAMES, TRAINABLE_KIND_NAMES);
  for (const kind of Object.values(KINDS as Record<string, KindEntry>).filter((k) => k.family !== 'ensemble')) {
    assert.equal(kind.summary, KIND_SUMMARIES[kind.name as keyof typeof KIND_SUMMARIES]);
  }
});

test('every loss name --help lists has an implementation', () => {
  for (const name of LOSSES) assert.equal(typeof lossFunction(name, null), 'function');
});
