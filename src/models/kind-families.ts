/**
 * What every model kind is, without any of its code: its name, its family and (for an encoder + head
 * kind) its encoder type. Reading a manifest and choosing how to open a folder need only this, so they
 * import no network library; kinds.ts (the full registry: config schemas, training, saving, tfjs) and
 * kind-loaders.ts (how each kind is read back, imported when a model of that kind is opened) must
 * agree with this table (test/models/kinds.test.ts).
 */
import type { EncoderReference } from '../encoders/sentence-encoder.js';
import type { OpenEncoderOptions } from '../encoders/open-encoder.js';
import type { GenreModel } from './genre-model.js';
import type { Manifest } from './manifest.js';

/**
 * `scratch`: a text vectorizer and a network trained from scratch (cnn, bilstm, bag); `encoder-head`: a
 * frozen pretrained sentence encoder and a trained head (use, onnx); `ensemble`: the weighted mean of
 * saved models.
 */
export type KindFamily = 'scratch' | 'encoder-head' | 'ensemble';

export interface KindFamilyInfo {
  family: KindFamily;
  /** An encoder + head kind's encoder type (the manifest's `encoder.type` must equal it). */
  encoderType?: EncoderReference['type'];
}

/** Every kind by name, in the order the CLI lists them (ensemble last). */
export const KIND_FAMILIES = {
  cnn: { family: 'scratch' },
  bilstm: { family: 'scratch' },
  bag: { family: 'scratch' },
  use: { family: 'encoder-head', encoderType: 'use' },
  onnx: { family: 'encoder-head', encoderType: 'onnx' },
  ensemble: { family: 'ensemble' },
} as const satisfies Record<string, KindFamilyInfo>;

/** The family (and encoder type) of the kind named `name`, or undefined for an unknown name. */
export function kindFamily(name: string): KindFamilyInfo | undefined {
  return Object.hasOwn(KIND_FAMILIES, name) ? (KIND_FAMILIES as Record<string, KindFamilyInfo>)[name] : undefined;
}

/** What a kind's `load` is given: the verified folder, its manifest, and how to open what it references. */
export interface LoadContext {
  /** The model folder, and the version folder holding its data files. */
  dir: string;
  dataDir: string;
  manifest: Manifest;
  /** manifest.json's path, for errors naming a manifest field. */
  manifestFile: string;
  /** How to open a pretrained encoder (`override`: from another folder than it was trained from). */
  encoder: OpenEncoderOptions & { override?: string };
  /** An encoder + head model's embedding cache folder (storage.ts's LoadModelOptions), or null for none. */
  embeddingCache: string | null;
  /** A cache that cannot be used: the model loads without it. */
  onWarning?: (message: string) => void;
  /** Loads a member model folder (an ensemble's), as users get it. */
  loadMember(dir: string): Promise<GenreModel>;
}
