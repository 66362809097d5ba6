/**
 * The text part of an export read off a tfjs network: a `cnn`, an encoder + head kind's head (`use`,
 * `onnx`), and a `bag` folder saved before the collapsed form (its network collapsed here, as
 * linear-bag-scorer.ts does). export-model.ts imports this module only for those models, so exporting
 * a saved bag in its collapsed form imports no tfjs.
 */
import type { Manifest } from '../models/manifest.js';
import type { GenreModel } from '../models/genre-model.js';
import { GenreClassifier } from '../models/classifier.js';
import type { EncoderHeadClassifier } from '../models/encoder-head/encoder-head-classifier.js';
import { kindFamily } from '../models/kind-families.js';
import { BagConfig } from '../models/bag/bag.js';
import { collapseBag } from '../models/bag/linear-bag-scorer.js';
import { PlotlineError } from '../util/errors.js';
import { addBag } from './bag-onnx.js';
import { addHead } from './head-onnx.js';
import { addCnn } from './cnn-onnx.js';
import type { OnnxGraph } from '../util/onnx-graph.js';
import { BAG_IDS_INPUT, TOKENIZER_NOTE, bagFeaturisation, type SideFileInput } from './text-featurisation.js';

/** What the text part adds: the name of its probabilities [batch, genres], its graph input and featurisation. */
export interface NetworkText {
  probabilities: string;
  input: SideFileInput;
  featurisation: Record<string, unknown>;
}

/**
 * Adds `text` (the model's text part, loaded on a tfjs backend) to `g`. `modelPath` names the folder in
 * errors.
 * @throws PlotlineError for a model that is none of the kinds above.
 */
export function addNetworkText(g: OnnxGraph, text: GenreModel, manifest: Manifest, modelPath: string): NetworkText {
  if (text instanceof GenreClassifier && manifest.kind === 'bag') {
    const linear = collapseBag(text.network, BagConfig.parse(manifest.config).normalisation);
    return { probabilities: addBag(g, linear), input: BAG_IDS_INPUT, featurisation: bagFeaturisation(text.vectorizer) };
  }
  if (text instanceof GenreClassifier && manifest.kind === 'cnn') {
    return {
      probabilities: addCnn(g, text.network),
      input: { name: 'ids', type: 'int64', shape: ['batch', 'length'], description: 'each text\'s word ids (featurisation: position in tokens + 2; 0 padding, 1 unknown word), padded at the end with 0 to the longest text and at least minLength' },
      featurisation: { ...text.vectorizer.toJSON(), tokenizer: TOKENIZER_NOTE, truncate: 'keep the first maxLength ids' },
    };
  }
  if (kindFamily(manifest.kind)?.family === 'encoder-head') {
    // The registry's encoder + head kinds load as an EncoderHeadClassifier (kinds.ts).
    const head = text as EncoderHeadClassifier;
    return {
      probabilities: addHead(g, head.head.denseLayers()),
      input: { name: 'embedding', type: 'float32', shape: ['batch', head.encoder.dimension], description: 'each text\'s sentence vector from the pretrained encoder (featurisation)' },
      featurisation: { ...manifest.encoder },
    };
  }
  throw new PlotlineError(`cannot export a ${manifest.kind} model to ONNX`, { file: modelPath });
}
