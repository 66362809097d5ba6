/**
 * The encoder + head model kinds: a frozen pretrained encoder, whose vectors are computed once (and
 * cached), and a small trained head (head.ts). They train, save and serve like the from-scratch kinds
 * in ../kinds.ts; they differ in what a network reads (a sentence vector, not token ids).
 */
import { HeadConfig } from './head.js';
import type { TrainingSettings } from '../../training/settings.js';
import type { EncoderType } from '../../encoders/open-encoder.js';

export interface HeadKind {
  name: string;
  summary: string;
  encoderType: EncoderType;
  config: typeof HeadConfig;
  training: TrainingSettings;
}

// Chosen on the validation slice of the standard split (micro-F1 at tuned thresholds); see README.
const HEAD_TRAINING: TrainingSettings = { epochs: 80, batchSize: 32, learningRate: 1e-3, patience: 6, monitor: 'micro', loss: 'bce', positiveWeights: true };

export const HEAD_KINDS: Record<string, HeadKind> = {
  use: {
    name: 'use',
    summary: 'Universal Sentence Encoder lite (pretrained, shipped in npm, frozen) + a trained Dense head',
    encoderType: 'use',
    config: HeadConfig,
    training: HEAD_TRAINING,
  },
  onnx: {
    name: 'onnx',
    summary: 'a BERT-family ONNX encoder from --encoder (folder or hub id; frozen) + a trained Dense head',
    encoderType: 'onnx',
    config: HeadConfig,
    training: HEAD_TRAINING,
  },
};
export const HEAD_KIND_NAMES = Object.keys(HEAD_KINDS);

export function headKind(name: string): HeadKind | undefined {
  return HEAD_KINDS[name];
}
