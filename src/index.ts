/**
 * Plotline as a library: load a saved model and predict, train one from a catalogue CSV, embed texts
 * with a pretrained encoder, run a comparison and write its report, score a file on a BullMQ queue's
 * workers, or export a model to ONNX.
 *
 *   import { openModel } from 'plotline';
 *   const { classifier } = await openModel('models/use', { backend: 'wasm' });
 *   await classifier.predict(['A detective hunts a killer in 1970s Seoul.'], { topK: 3 });
 *   await classifier.dispose(); // an encoder + head model holds worker threads until disposed
 */
export { useBackend, BACKENDS, type BackendName } from './engine/backend.js';
export { loadModel, saveModel, readManifest, type SavedModel } from './models/storage.js';
export type { Manifest } from './models/manifest.js';
export { openModel, type OpenModelOptions } from './models/open-model.js';
export { GenreModel, type GenrePrediction, type PredictOptions, type DecisionThresholds } from './models/genre-model.js';
export { GenreClassifier } from './models/classifier.js';
export { LinearBagModel } from './models/bag/linear-bag-model.js';
export { EncoderHeadClassifier } from './models/encoder-head/encoder-head-classifier.js';
export type { HeadScorer, DenseLayer } from './models/encoder-head/head-scorer.js';
export { DenseHead } from './models/encoder-head/dense-head.js';
export { NetworkHead } from './models/encoder-head/network-head.js';
export { openEncoder, reopenEncoder, type OpenEncoderOptions } from './encoders/open-encoder.js';
export type { SentenceEncoder, EncoderReference } from './encoders/sentence-encoder.js';
export { EmbeddingCache, embedWithCache, defaultCacheDir } from './encoders/embedding-cache.js';
export { KINDS, KIND_NAMES, TRAINABLE_KIND_NAMES, findKind, type KindEntry } from './models/kinds.js';
export { loadDataset, splitData, type Dataset } from './data/dataset.js';
export { readTitles, type Title } from './data/titles.js';
export { resolveDataset, DATASETS, NETFLIX, datasetCachePath, type NamedDataset, type ResolvedData, type ResolveDatasetOptions } from './data/datasets.js';
export { readPredictionInput } from './data/prediction-input.js';
export { trainClassifier, type TrainClassifierOptions, type TrainedClassifier, type LabelledTexts } from './training/train-classifier.js';
export { trainModel, type TrainModelOptions, type TrainedModel } from './training/train-model.js';
export { evaluateAndSave, type EvaluateAndSaveOptions, type EvaluatedModel } from './training/evaluate-and-save.js';
export { runCompare, type RunCompareOptions } from './compare/run-compare.js';
export { parseCompareConfig, readCompareConfig, type CompareConfig } from './compare/compare-config.js';
export { writeReport } from './report/write-report.js';
export type { CompareReport, ComparedModel } from './report/report-data.js';
export { computeMetrics, bootstrapMicroF1, type MultiLabelMetrics } from './evaluation/metrics.js';
export { evaluateScores, type Evaluation } from './evaluation/evaluate-scores.js';
export { explain, type Explanation } from './explain/occlusion.js';
export { buildApp } from './serving/app.js';
export { readModelId } from './models/model-id.js';
export { scoreFileOnQueue, type QueueScoreOptions, type QueueScoreResult } from './distributed/coordinator.js';
export { startShardWorker, type ShardWorkerOptions, type RunningShardWorker } from './distributed/shard-worker.js';
export { parseRedisUrl } from './distributed/redis-connection.js';
export { exportOnnx, type ExportOptions, type OnnxSideFile } from './export/export-model.js';
export { PlotlineError } from './util/errors.js';
