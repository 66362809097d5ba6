/**
 * `plotline export --model DIR --format onnx --out model.onnx`: a saved model as an ONNX graph that any
 * ONNX Runtime (Python, Java, C#, Triton, Spark) can run, plus `model.onnx.json`, the side file that
 * says how to turn a description into the graph's input and its output into genres.
 *
 * Exported: `bag` (its linear form: hashed n-gram ids in, probabilities out), `cnn` (word ids in) and
 * the encoder + head kinds `use` / `onnx` (the head: sentence vector in, probabilities out; the side
 * file references the pretrained encoder and its files' sha256). A model that reads catalogue fields
 * also gets its field model and the logit fusion in the graph (a second input, `field_ids`). Not
 * exported: `bilstm` (recurrent) and ensembles (export their members), refused with a message. Both files are written to temporary siblings and renamed into place.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import type { EncoderLocation } from '../models/storage.js';
import { openModel } from '../models/open-model.js';
import type { Manifest } from '../models/manifest.js';
import { readModelId } from '../models/model-id.js';
import type { BackendName } from '../engine/backend.js';
import { PlotlineError } from '../util/errors.js';
import { importLazily } from '../util/import-lazily.js';
import { temporarySibling } from '../util/temporary-path.js';
import { PLOTLINE_VERSION } from '../version.js';
import { addBag } from './bag-onnx.js';
import { addFieldFusion } from './fusion-onnx.js';
import { FLOAT, OnnxGraph, OPSET } from '../util/onnx-graph.js';
import { BAG_IDS_INPUT, bagFeaturisation, type SideFileInput } from './text-featurisation.js';
import { CatalogueModel } from '../models/fields/catalogue-model.js';
import { LinearBagModel } from '../models/bag/linear-bag-model.js';
import { EncoderHeadClassifier } from '../models/encoder-head/encoder-head-classifier.js';
import { addHead } from './head-onnx.js';

export const EXPORTABLE_KINDS = ['bag', 'cnn', 'use', 'onnx'] as const;

export interface ExportOptions {
  model: string;
  /** The .onnx file to write; the side file is `${out}.json`. */
  out: string;
  backend?: BackendName;
  encoder?: EncoderLocation;
}

/** The side file (`model.onnx.json`): everything besides the graph needed to use it. */
export interface OnnxSideFile {
  format: 'plotline-onnx';
  formatVersion: 1;
  plotline: string;
  modelId: string;
  kind: string;
  opset: number;
  genres: string[];
  /** As saved: use `perGenre` when mode is "perGenre", else `global`; a genre is predicted when its score >= its threshold, and the best genre when none is. */
  thresholds: Manifest['thresholds'];
  /** The graph's inputs: the text's (`ids` or `embedding`), then `field_ids` for a model that reads catalogue fields. */
  inputs: SideFileInput[];
  output: { name: 'scores'; type: 'float32'; shape: (string | number)[]; description: string };
  /** How a text becomes the input: the model's text encoder (bag) or pretrained encoder reference (heads). */
  featurisation: Record<string, unknown>;
  /** For a model that reads catalogue fields: their names and the field vectorizer (null otherwise). */
  fields: { names: string[]; vectorizer: unknown; note: string } | null;
  /** The model's genre-set rules (families, cap), as saved (src/models/genre-rules.ts `GenreRules`); null when it has none. */
  rules: unknown;
  /** How Plotline turns the graph's scores into a title's genres (thresholds and rules), step by step: `DECISION`. */
  decision: string;
}

/**
 * The decision rule of `GenreModel.predict` (genre-model.ts, genre-rules.ts `applyGenreRules` and
 * `capRow`, thresholds.ts `applyThresholds`) in words, for whoever runs the graph elsewhere; the
 * export test follows it on ONNX Runtime's scores and gets `predict`'s genres.
 */
export const DECISION = [
  'Per title, on the graph\'s scores s (genre order):',
  '1. thresholds t: thresholds.perGenre when thresholds.mode is "perGenre", else thresholds.global for every genre; compare in float32.',
  '2. families (when rules.familyField is not null): the title\'s family is the rules.families entry whose value equals its rules.familyField value (trimmed, case-insensitive) when fields.names includes that field; otherwise (the field not read, missing, blank, or a value no family has, such as "Cartoon"), by rules.unknownFamily, "total": the family with the largest sum of its genres\' scores (summed in double precision), "max": the family holding the largest single score (the first family on ties), "none": no family. Set the scores of every other family\'s genres to 0.',
  '3. cap (when rules.maxGenres is not null and less than the number of genres): of the genres with s >= t, keep at most rules.maxGenres, largest margin s - t first, ties to the lower genre index; set the scores of the passing genres not kept to 0 (genres with s < t keep their scores).',
  '4. genres: those with s >= t whose score step 2 or 3 did not set to 0; when none, the single highest-scoring genre after steps 2-3 (the lower index on ties).',
].join('\n');

export interface ExportResult {
  onnx: string;
  sideFile: string;
  kind: string;
  bytes: number;
}

/**
 * Writes `out` and `${out}.json`. Throws PlotlineError for a kind that cannot be exported, or when the
 * model cannot be loaded or the files written.
 */
export async function exportOnnx(options: ExportOptions): Promise<ExportResult> {
  const backend = options.backend ?? 'wasm';
  const modelId = await readModelId(options.model);
  // No backend is started for a model that scores without tfjs (a bag's collapsed form, as predict).
  const { classifier, manifest } = await openModel(options.model, { backend, startBackend: 'if-needed', encoder: options.encoder });
  try {
    if (!(EXPORTABLE_KINDS as readonly string[]).includes(manifest.kind)) {
      throw new PlotlineError(`cannot export a ${manifest.kind} model to ONNX: only ${EXPORTABLE_KINDS.join(', ')} are exported (their forward pass is plain tensor maths)`, { file: options.model });
    }
    const doc = `Plotline ${PLOTLINE_VERSION} ${manifest.kind} model ${modelId}; see the side file ${options.out}.json`;
    const catalogue = classifier instanceof CatalogueModel ? classifier : null;
    const text = catalogue?.text ?? classifier;
    const g = new OnnxGraph();
    let probabilities: string;
    const inputs: OnnxSideFile['inputs'] = [];
    let featurisation: Record<string, unknown>;
    if (text instanceof LinearBagModel && manifest.kind === 'bag') {
      // A saved bag in its collapsed linear form: graph and featurisation without tfjs.
      probabilities = addBag(g, text.linear);
      inputs.push(BAG_IDS_INPUT);
      featurisation = bagFeaturisation(text.vectorizer);
    } else if (text instanceof EncoderHeadClassifier) {
      // An encoder + head model: the head's graph from its Dense weights, without tfjs (head-onnx.ts).
      probabilities = addHead(g, text.head.denseLayers());
      inputs.push({ name: 'embedding', type: 'float32', shape: ['batch', text.encoder.dimension], description: 'each text\'s sentence vector from the pretrained encoder (featurisation)' });
      featurisation = { ...manifest.encoder };
    } else {
      // The kinds whose graph is read off a tfjs network (cnn, the heads, a bag saved as its network):
      // imported only for them, so exporting a collapsed bag loads no tfjs.
      const { addNetworkText } = await importLazily(() => import('./network-onnx.js'), './network-onnx.js', import.meta.url);
      const added = addNetworkText(g, text, manifest, options.model);
      probabilities = added.probabilities;
      inputs.push(added.input);
      featurisation = added.featurisation;
    }
    let fields: OnnxSideFile['fields'] = null;
    if (catalogue !== null) {
      probabilities = addFieldFusion(g, probabilities, catalogue.fieldModel, catalogue.fusion);
      inputs.push({ name: 'field_ids', type: 'int64', shape: ['batch', 'fields'], description: 'each title\'s catalogue-field feature indices + 1 (fields.vectorizer), padded at the end with 0; all 0 for a title without fields' });
      fields = {
        names: [...catalogue.inputFields],
        vectorizer: catalogue.vectorizer.toJSON(),
        note: 'src/models/fields/field-vectorizer.ts (transform) turns a title\'s fields into feature indices; the graph fuses the field model with the text model in logit space (src/models/fields/logit-fusion.ts)',
      };
    }
    g.op('Identity', [probabilities], {}, 'scores');
    g.output('scores', FLOAT, ['batch', manifest.genres.length]);
    const bytes = g.encode(`plotline_${manifest.kind}`, doc);
    const side: OnnxSideFile = {
      format: 'plotline-onnx',
      formatVersion: 1,
      plotline: PLOTLINE_VERSION,
      modelId,
      kind: manifest.kind,
      opset: OPSET,
      genres: [...manifest.genres],
      thresholds: manifest.thresholds,
      inputs,
      output: { name: 'scores', type: 'float32', shape: ['batch', manifest.genres.length], description: 'probability of each genre (sigmoid), in the order of genres' },
      featurisation,
      fields,
      rules: manifest.catalogue?.rules ?? null,
      decision: DECISION,
    };
    const sideFile = `${options.out}.json`;
    await writeAtomically(options.out, bytes);
    await writeAtomically(sideFile, JSON.stringify(side, null, 2) + '\n');
    return { onnx: options.out, sideFile, kind: manifest.kind, bytes: bytes.length };
  } finally {
    await classifier.dispose();
  }
}

async function writeAtomically(path: string, content: Uint8Array | string): Promise<void> {
  const temporary = temporarySibling(path);
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new PlotlineError(`cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path });
  }
}
