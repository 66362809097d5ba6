/**
 * Opens a pretrained encoder by type: the Universal Sentence Encoder from npm (`use`) or a
 * BERT-family ONNX export from a folder or the hub (`onnx`); and reopens the encoder a saved model
 * references, refusing one whose files differ from those it was trained with.
 */
import type { BackendName } from '../engine/backend.js';
import { PlotlineError } from '../util/errors.js';
import type { EncoderReference, SentenceEncoder } from './sentence-encoder.js';
import { openUseEncoder } from './use/use-encoder.js';
import { USE_PACKAGE } from './use/use-files.js';

export type EncoderType = EncoderReference['type'];

export interface OpenEncoderOptions {
  /** Let an `onnx` hub id be downloaded (into `downloadDir`); off by default: nothing leaves the machine unasked. */
  allowDownload?: boolean;
  downloadDir?: string;
  /** Threads for the Universal Sentence Encoder: ONNX Runtime's intra-op threads (default: every core, at most 4). */
  threads?: number;
  backend?: BackendName;
}

/** `spec`: for `use`, an optional folder with the graph and vocab.json; for `onnx`, a folder or hub id (required). */
export async function openEncoder(type: EncoderType, spec: string | undefined, options: OpenEncoderOptions = {}): Promise<SentenceEncoder> {
  if (type === 'use') return openUseEncoder({ dir: spec, threads: options.threads, backend: options.backend });
  if (spec === undefined) {
    throw new PlotlineError('model kind onnx needs --encoder: a folder in the Hugging Face layout (config.json, tokenizer.json, onnx/model.onnx) or a hub id with --allow-download');
  }
  // Imported on demand: ONNX Runtime and transformers.js are heavy and only this kind needs them.
  const { openOnnxEncoder } = await import('./onnx/onnx-encoder.js');
  return openOnnxEncoder(spec, { allowDownload: options.allowDownload, cacheDir: options.downloadDir });
}

/**
 * Opens the encoder `reference` names (where it was loaded from when the model was trained, or
 * `override`) and checks every file's sha256 against the reference. `manifestFile` names the model in errors.
 */
export async function reopenEncoder(reference: EncoderReference, manifestFile: string, options: OpenEncoderOptions & { override?: string } = {}): Promise<SentenceEncoder> {
  const spec = options.override ?? specOf(reference);
  let encoder: SentenceEncoder;
  try {
    encoder = await openEncoder(reference.type, spec, options);
  } catch (error) {
    if (!(error instanceof PlotlineError)) throw error;
    throw new PlotlineError(
      `needs its encoder ${reference.id} (from ${spec ?? reference.source}), which cannot be opened: ${error.message}. ` + 'Pass the encoder\'s folder with --encoder.',
      { file: manifestFile, field: 'encoder' },
    );
  }
  const found = new Map(encoder.reference().files.map((f) => [f.path, f.sha256]));
  const differing = reference.files.filter((f) => found.get(f.path) !== f.sha256);
  if (differing.length > 0 || encoder.dimension !== reference.dimension) {
    await encoder.dispose();
    const what = differing.map((f) => `${f.path} (expected sha256 ${f.sha256.slice(0, 12)}…, found ${found.get(f.path)?.slice(0, 12) ?? 'no such file'}…)`).join(', ');
    throw new PlotlineError(
      `was trained with encoder ${reference.id} from ${reference.source}, but the encoder found there differs: ${what || `dimension ${encoder.dimension}, expected ${reference.dimension}`}. ` +
        'Install the same encoder version or pass its folder with --encoder.',
      { file: manifestFile, field: 'encoder' },
    );
  }
  return encoder;
}

/** The spec that opens the encoder again: `use` from npm needs none; a `file:` source is a folder. */
function specOf(reference: EncoderReference): string | undefined {
  if (reference.type === 'use') return reference.source.startsWith(`${USE_PACKAGE}@`) ? undefined : reference.source.replace(/^file:/, '');
  return reference.source;
}
