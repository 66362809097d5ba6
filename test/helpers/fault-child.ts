/**
 * A child process for the crash-safety tests: does one write that must survive being killed at any
 * step, and is killed at the step PLOTLINE_FAULT_AT names (src/util/fault-injection.ts).
 *   node --import tsx test/helpers/fault-child.ts save-model DIR SEED
 *   node --import tsx test/helpers/fault-child.ts save-ensemble DIR MEMBER_DIR MEMBER_DIR SEED
 *   node --import tsx test/helpers/fault-child.ts predict MODEL INPUT OUTPUT
 *   node --import tsx test/helpers/fault-child.ts predict-stalled MODEL INPUT OUTPUT
 * (`predict-stalled` writes its first chunk, prints "wrote a chunk" on stdout and stalls for a minute
 * on the second one, to be killed with a signal by the test.)
 */
import { useBackend } from '../../src/engine/backend.js';
import { saveEnsemble } from '../../src/models/ensemble/ensemble-storage.js';
import { FORMAT_VERSION } from '../../src/models/manifest.js';
import { scoreFile } from '../../src/batch/score-file.js';
import { openModel } from '../../src/models/open-model.js';
import { GENRES, saveTinyModel, tinyManifestFields } from '../models/fixtures.js';

const [mode, ...args] = process.argv.slice(2);
await useBackend('wasm');
if (mode === 'save-model') {
  const [dir, seed] = args;
  // Alternate kinds so the old and new models differ in every file.
  await saveTinyModel(dir, { kind: Number(seed) % 2 === 0 ? 'bag' : 'cnn', seed: Number(seed) });
} else if (mode === 'save-ensemble') {
  const [dir, a, b, seed] = args;
  const { kind: _kind, config: _config, ...fields } = tinyManifestFields('bag', Number(seed));
  const weight = (Number(seed) % 10) / 10;
  await saveEnsemble(
    [{ name: 'a', dir: a, weight }, { name: 'b', dir: b, weight: 1 - weight }],
    { ...fields, format: 'plotline-model', formatVersion: FORMAT_VERSION, genres: [...GENRES], thresholds: { global: 0.5, perGenre: null, mode: 'global' } },
    dir,
  );
} else if (mode === 'predict') {
  const [model, input, output] = args;
  await scoreFile({ model, input, output, chunkRows: 40 });
} else if (mode === 'predict-stalled') {
  const [model, input, output] = args;
  const { classifier } = await openModel(model, { backend: 'wasm' });
  const score = classifier.scoreWithRules.bind(classifier);
  let calls = 0;
  classifier.scoreWithRules = async (...rest: Parameters<typeof score>) => {
    calls += 1;
    if (calls > 1) await new Promise((resolve) => setTimeout(resolve, 60_000));
    return score(...rest);
  };
  await scoreFile({ model, input, output, chunkRows: 40, classifier, progress: { update: () => process.stdout.write('wrote a chunk\n'), stop: () => {} } });
} else {
  throw new Error(`unknown mode ${mode}`);
}
