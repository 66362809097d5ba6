import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../src/engine/backend.js';
import { KINDS, kindNames, scratchKind } from '../../../src/models/kinds.js';
import { GenreClassifier } from '../../../src/models/classifier.js';
import { linearBagScorer } from '../../../src/models/bag/linear-bag-scorer.js';
import { TEXTS, GENRES } from '../fixtures.js';

before(async () => {
  await useBackend('wasm');
});

for (const normalisation of ['l2', 'sum'] as const) {
  test(`the collapsed bag scorer equals the network's forward pass (${normalisation})`, () => {
    const kind = KINDS.bag;
    const config = kind.config.parse({ buckets: 512, embeddingDim: 8, maxLength: 64, normalisation });
    const encoder = kind.fitVectorizer(TEXTS, config);
    const network = kind.build(config, encoder, TEXTS.map((t) => encoder.encode(t)), GENRES.length, 9);
    // Larger output weights than the initialiser's, so scores spread away from 0.5 and a wrong sum shows.
    const genres = network.getLayer('genres');
    genres.setWeights(genres.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, i === 0 ? 3 : 1, 'float32', 4 + i)));
    const classifier = new GenreClassifier(network, encoder, GENRES, { global: 0.5, perGenre: null, mode: 'global' });
    const encoded = [...TEXTS, 'an unseen text about nothing in particular', ''].map((t) => encoder.encode(t));
    const viaNetwork = classifier.scoreWithNetwork(encoded);
    const viaTable = linearBagScorer(network, normalisation)(encoded);
    assert.equal(viaTable.length, viaNetwork.length);
    let spread = 0;
    for (let i = 0; i < viaNetwork.length; i++) {
      assert.ok(Math.abs(viaTable[i] - viaNetwork[i]) < 1e-5, `${i}: ${viaTable[i]} vs ${viaNetwork[i]}`);
      spread = Math.max(spread, Math.abs(viaNetwork[i] - 0.5));
    }
    assert.ok(spread > 0.1, 'scores are not all near 0.5');
    classifier.useFastScorer(linearBagScorer(network, normalisation));
    assert.deepEqual(classifier.scoreEncoded(encoded), viaTable, 'scoreEncoded goes through the installed scorer');
  });
}
