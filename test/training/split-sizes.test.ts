import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEW_VALIDATION_TITLES, checkSplitSizes } from '../../src/training/split-sizes.js';
import { trainModel } from '../../src/training/train-model.js';
import { PlotlineError } from '../../src/util/errors.js';

test('an empty validation slice or training fold is refused, saying how many titles are needed', () => {
  assert.throws(() => checkSplitSizes({ train: 9, validation: 0 }), (error: Error) => {
    assert.ok(error instanceof PlotlineError);
    assert.match(error.message, /validation slice is empty \(9 training title\(s\)\).*at least 1 validation title.*--validation-fraction/);
    return true;
  });
  assert.throws(() => checkSplitSizes({ train: 0, validation: 3 }), /training fold is empty: training needs at least 1 training title/);
  assert.match(checkSplitSizes({ train: 40, validation: 3 })!, /only 3 validation title\(s\)/);
  assert.equal(checkSplitSizes({ train: 400, validation: FEW_VALIDATION_TITLES }), null);
});

test('trainModel refuses before training when validation is empty', async () => {
  const genres = ['A', 'B'];
  const train = { texts: ['a spy story', 'a love story'], targets: new Float32Array([1, 0, 0, 1]) };
  const validation = { texts: [], targets: new Float32Array(0) };
  await assert.rejects(trainModel(genres, train, validation, { kind: 'bag', seed: 1 }), /validation slice is empty \(2 training title\(s\)\)/);
});
