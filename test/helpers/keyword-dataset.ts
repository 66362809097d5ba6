/**
 * A small, learnable multi-label dataset: each text is a few shared filler words with one keyword per
 * genre it belongs to (a quarter of texts have two). A model that learns anything learns the keywords.
 */
import type { LabelledTexts } from '../../src/training/train-classifier.js';
import { createRng } from '../../src/util/random.js';

export const KEYWORD_GENRES = ['Comedies', 'Dramas', 'Thrillers'];
export const KEYWORDS = ['hilarious', 'heartbreaking', 'murder'];
const FILLER = (
  'the a an of in on at with from two young old family city town night day story life friends ' +
  'journey secret house school team new world finds must between after during'
).split(' ');

export function keywordDataset(size: number, seed: number): LabelledTexts {
  const rng = createRng(seed);
  const k = KEYWORD_GENRES.length;
  const texts: string[] = [];
  const targets = new Float32Array(size * k);
  for (let i = 0; i < size; i++) {
    const genres = new Set([rng.int(k)]);
    if (rng.next() < 0.25) genres.add(rng.int(k));
    const words = Array.from({ length: 3 + rng.int(5) }, () => FILLER[rng.int(FILLER.length)]);
    for (const g of genres) {
      words.splice(rng.int(words.length + 1), 0, KEYWORDS[g]);
      targets[i * k + g] = 1;
    }
    texts.push(words.join(' '));
  }
  return { texts, targets };
}
