/**
 * Plotline as a library: load a saved model and predict, or train one from a catalogue CSV.
 *
 *   import { useBackend, loadModel } from 'plotline';
 *   await useBackend('wasm');
 *   const { classifier } = await loadModel('models/bag');
 *   classifier.predict(['A detective hunts a killer in 1970s Seoul.'], { topK: 3 });
 */
export { useBackend, BACKENDS, type BackendName } from './engine/backend.js';
export { loadModel, saveModel, readManifest, type Manifest, type SavedModel } from './models/storage.js';
export { GenreClassifier, type GenrePrediction, type PredictOptions, type DecisionThresholds } from './models/classifier.js';
export { MODEL_KINDS, MODEL_KIND_NAMES } from './models/kinds.js';
export { loadDataset, foldData, type Dataset } from './data/dataset.js';
export { readTitles, type Title } from './data/titles.js';
export { readPredictionInput } from './data/prediction-input.js';
export { trainClassifier, type TrainClassifierOptions, type TrainedClassifier, type LabelledTexts } from './training/train-classifier.js';
export { computeMetrics, bootstrapMicroF1, type MultiLabelMetrics } from './evaluation/metrics.js';
export { evaluateScores, type Evaluation } from './evaluation/evaluate-scores.js';
export { explain, type Explanation } from './explain/occlusion.js';
export { buildApp } from './serving/app.js';
export { PlotlineError } from './util/errors.js';
