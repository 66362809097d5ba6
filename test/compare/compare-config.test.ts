/** The compare config: defaults, the errors a typo gets (naming the file and field), and the --models shorthand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEnsemble, modelsFromList, parseCompareConfig, readCompareConfig } from '../../src/compare/compare-config.js';
import { PlotlineError } from '../../src/util/errors.js';
import { fixtureFolder } from '../helpers/files.js';

const fixtures = fixtureFolder('compare-config');

/** The PlotlineError `parse` throws. */
function refused(parse: () => unknown): PlotlineError {
  try {
    parse();
  } catch (error) {
    assert.ok(error instanceof PlotlineError, `expected a PlotlineError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the config to be refused');
}

test('a valid config passes, keeping every field', () => {
  const config = parseCompareConfig({
    data: 'titles.csv',
    split: 'split.csv',
    seed: 7,
    validationFraction: 0.2,
    models: [
      { kind: 'bag', epochs: 2, batchSize: 16, learningRate: 0.01, patience: 3, loss: 'bce', monitor: 'macro', positiveWeights: false, config: { buckets: 4096 } },
      { kind: 'onnx', name: 'minilm', encoder: '../shared/models/all-MiniLM-L6-v2' },
      { ensemble: ['bag', 'minilm'], name: 'both' },
    ],
  });
  assert.equal(config.data, 'titles.csv');
  assert.equal(config.split, 'split.csv');
  assert.equal(config.seed, 7);
  assert.equal(config.validationFraction, 0.2);
  assert.deepEqual(config.models, [
    { name: 'bag', kind: 'bag', epochs: 2, batchSize: 16, learningRate: 0.01, patience: 3, loss: 'bce', monitor: 'macro', positiveWeights: false, config: { buckets: 4096 } },
    { name: 'minilm', kind: 'onnx', encoder: '../shared/models/all-MiniLM-L6-v2' },
    { name: 'both', ensemble: ['bag', 'minilm'] },
  ]);
  assert.deepEqual(config.models.map(isEnsemble), [false, false, true]);
});

test('names default to the kind, and an ensemble\'s to its members joined by "+"', () => {
  const config = parseCompareConfig({ models: [{ kind: 'bag' }, { kind: 'cnn' }, { ensemble: ['bag', 'cnn'] }] });
  assert.deepEqual(
    config.models.map((m) => m.name),
    ['bag', 'cnn', 'bag+cnn'],
  );
  assert.equal(config.data, undefined);
  assert.equal(config.seed, undefined);
});

test('two models with one name are refused, naming models.N.name', () => {
  const error = refused(() => parseCompareConfig({ models: [{ kind: 'bag' }, { kind: 'bag', epochs: 3 }] }, 'compare.json'));
  assert.equal(error.field, 'models.1.name');
  assert.equal(error.file, 'compare.json');
  assert.match(error.message, /compare\.json/);
  assert.match(error.message, /"bag"/);

  const explicit = refused(() => parseCompareConfig({ models: [{ kind: 'bag' }, { kind: 'cnn' }, { kind: 'cnn', name: 'bag' }] }));
  assert.equal(explicit.field, 'models.2.name');

  // An ensemble's default name clashes too.
  const ensemble = refused(() => parseCompareConfig({ models: [{ kind: 'bag' }, { kind: 'cnn' }, { kind: 'use', name: 'bag+cnn' }, { ensemble: ['bag', 'cnn'] }] }));
  assert.equal(ensemble.field, 'models.3.name');

  // Giving one a name resolves it.
  const fixed = parseCompareConfig({ models: [{ kind: 'bag' }, { kind: 'bag', name: 'bag-long', epochs: 30 }] });
  assert.deepEqual(
    fixed.models.map((m) => m.name),
    ['bag', 'bag-long'],
  );
});

test('an ensemble may only name models listed before it', () => {
  const later = refused(() => parseCompareConfig({ models: [{ kind: 'bag' }, { ensemble: ['bag', 'cnn'] }, { kind: 'cnn' }] }, 'compare.json'));
  assert.equal(later.field, 'models.1.ensemble');
  assert.match(later.message, /"cnn"/);

  const unknown = refused(() => parseCompareConfig({ models: [{ kind: 'bag' }, { kind: 'cnn' }, { ensemble: ['bag', 'bilstm'] }] }));
  assert.equal(unknown.field, 'models.2.ensemble');
  assert.match(unknown.message, /"bilstm"/);

  const itself = refused(() => parseCompareConfig({ models: [{ kind: 'bag' }, { name: 'x', ensemble: ['bag', 'x'] }] }));
  assert.equal(itself.field, 'models.1.ensemble');

  const single = refused(() => parseCompareConfig({ models: [{ kind: 'bag' }, { ensemble: ['bag'] }] }));
  assert.equal(single.field, 'models.1.ensemble');
});

test('an unknown kind is refused, naming the field and the known kinds', () => {
  const error = refused(() => parseCompareConfig({ models: [{ kind: 'bag' }, { kind: 'transformer' }] }, 'compare.json'));
  assert.equal(error.field, 'models.1.kind');
  assert.match(error.message, /compare\.json/);
  assert.match(error.message, /bag/);
  assert.match(error.message, /cnn/);
  assert.match(error.message, /use/);
  assert.match(error.message, /onnx/);
});

test('unknown keys are refused (strict), at the top and in a model', () => {
  const top = refused(() => parseCompareConfig({ models: [{ kind: 'bag' }], epochs: 3 }, 'compare.json'));
  assert.match(top.message, /compare\.json/);
  assert.match(top.message, /"epochs"/);

  const inModel = refused(() => parseCompareConfig({ models: [{ kind: 'bag', epocs: 3 }] }));
  assert.equal(inModel.field, 'models.0');
  assert.match(inModel.message, /"epocs"/);

  const inEnsemble = refused(() => parseCompareConfig({ models: [{ kind: 'bag' }, { kind: 'cnn' }, { ensemble: ['bag', 'cnn'], weights: [0.5, 0.5] }] }));
  assert.equal(inEnsemble.field, 'models.2');
  assert.match(inEnsemble.message, /"weights"/);
});

test('wrong values are refused naming the field', () => {
  assert.equal(refused(() => parseCompareConfig({ models: [{ kind: 'bag', epochs: 0 }] })).field, 'models.0.epochs');
  // A wrong value in a model entry names that value's field and what it accepts, not a bare "Invalid input".
  const loss = refused(() => parseCompareConfig({ models: [{ kind: 'bag', loss: 'hinge' }] }));
  assert.equal(loss.field, 'models.0.loss');
  assert.match(loss.message, /bce/);
  const monitor = refused(() => parseCompareConfig({ models: [{ kind: 'bag' }, { kind: 'cnn', monitor: 'weighted' }] }));
  assert.equal(monitor.field, 'models.1.monitor');
  assert.match(monitor.message, /micro/);
  assert.equal(refused(() => parseCompareConfig({ models: [{ kind: 'bag', epochs: '2' }] })).field, 'models.0.epochs');
  assert.equal(refused(() => parseCompareConfig({ models: [{ kind: 'cnn', positiveWeights: 'off' }] })).field, 'models.0.positiveWeights');
  assert.equal(refused(() => parseCompareConfig({ models: [{ name: 'bag' }] })).field, 'models.0.kind');
  assert.equal(refused(() => parseCompareConfig({ models: [{ kind: 'bag' }, { kind: 'cnn' }, { ensemble: 'bag+cnn' }] })).field, 'models.2.ensemble');
  assert.equal(refused(() => parseCompareConfig({ models: [{ kind: 'bag' }], validationFraction: 1 })).field, 'validationFraction');
  assert.equal(refused(() => parseCompareConfig({ models: [] })).field, 'models');
  assert.equal(refused(() => parseCompareConfig({})).field, 'models');
  assert.ok(refused(() => parseCompareConfig([])) instanceof PlotlineError);
});

test('modelsFromList: kinds, and "a+b" ensembles, spaces and empty entries ignored', () => {
  assert.deepEqual(modelsFromList('bag, cnn,bag+cnn'), [
    { name: 'bag', kind: 'bag' },
    { name: 'cnn', kind: 'cnn' },
    { name: 'bag+cnn', ensemble: ['bag', 'cnn'] },
  ]);
  assert.deepEqual(modelsFromList(' use ,, bag+use+cnn ,'), [
    { name: 'use', kind: 'use' },
    { name: 'bag+use+cnn', ensemble: ['bag', 'use', 'cnn'] },
  ]);
  // The list is validated like a config file.
  const config = parseCompareConfig({ models: modelsFromList('bag, cnn,bag+cnn') });
  assert.deepEqual(
    config.models.map((m) => m.name),
    ['bag', 'cnn', 'bag+cnn'],
  );
  assert.equal(refused(() => parseCompareConfig({ models: modelsFromList('bag,bag+cnn') })).field, 'models.1.ensemble');
  assert.equal(refused(() => parseCompareConfig({ models: modelsFromList('bag,bert') })).field, 'models.1.kind');
});

test('readCompareConfig reads a file and names it in every error', async () => {
  const good = fixtures('good.json', JSON.stringify({ seed: 3, models: [{ kind: 'bag' }, { kind: 'cnn' }, { ensemble: ['bag', 'cnn'] }] }));
  const config = await readCompareConfig(good);
  assert.equal(config.seed, 3);
  assert.deepEqual(
    config.models.map((m) => m.name),
    ['bag', 'cnn', 'bag+cnn'],
  );

  const missingFile = `${fixtures.dir}/missing.json`;
  const missing = await rejects(readCompareConfig(missingFile));
  assert.equal(missing.file, missingFile);
  assert.match(missing.message, /missing\.json/);
  assert.match(missing.message, /ENOENT/);

  const broken = fixtures('broken.json', '{"models": [{"kind": "bag"},]}');
  const invalid = await rejects(readCompareConfig(broken));
  assert.equal(invalid.file, broken);
  assert.match(invalid.message, /broken\.json/);
  assert.match(invalid.message, /not valid JSON/);

  const typo = fixtures('typo.json', JSON.stringify({ models: [{ kind: 'bag' }, { kind: 'bag' }] }));
  const duplicate = await rejects(readCompareConfig(typo));
  assert.equal(duplicate.file, typo);
  assert.equal(duplicate.field, 'models.1.name');
  assert.match(duplicate.message, /typo\.json/);
});

async function rejects(promise: Promise<unknown>): Promise<PlotlineError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PlotlineError, `expected a PlotlineError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the promise to reject');
}

test('what only the kind can tell is checked before any model trains: onnx needs an encoder, config keys and values', () => {
  const fails = (models: unknown[], field: RegExp, message: RegExp): void => {
    assert.throws(() => parseCompareConfig({ models }), (error: unknown) => {
      assert.ok(error instanceof PlotlineError);
      assert.match(String(error.field), field);
      assert.match(error.message, message);
      return true;
    });
  };
  fails([{ kind: 'bag' }, { kind: 'onnx' }], /^models\.1\.encoder$/, /needs "encoder"/);
  fails([{ kind: 'use', config: { hiden: [512] } }], /^models\.0\.config$/, /hiden/);
  fails([{ kind: 'bag', config: { buckets: -1 } }], /^models\.0\.config\.buckets$/, /expected bag settings/);
  assert.equal(parseCompareConfig({ models: [{ kind: 'onnx', encoder: '/models/minilm', config: { hidden: [] } }] }).models[0].name, 'onnx');
});

test('thresholdObjective is kept when valid and refused otherwise; the docs\' write-up config parses and pins micro-F1 (the figures it reproduces)', async () => {
  assert.equal(parseCompareConfig({ thresholdObjective: 'macro', models: [{ kind: 'bag' }] }).thresholdObjective, 'macro');
  assert.equal(parseCompareConfig({ models: [{ kind: 'bag' }] }).thresholdObjective, undefined);
  assert.throws(() => parseCompareConfig({ thresholdObjective: 'f1', models: [{ kind: 'bag' }] }), /thresholdObjective/);
  const writeUp = await readCompareConfig(new URL('../../docs/compare/write-up.json', import.meta.url).pathname);
  assert.equal(writeUp.thresholdObjective, 'micro');
});
