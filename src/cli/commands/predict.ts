/**
 * `plotline predict`: genres for texts given as arguments, or for every row of a CSV/JSONL file,
 * streamed in chunks (constant memory) to JSON Lines in input order:
 *   {"id": ..., "genres": [...], "scores": {genre: probability, ...}}
 * The output is written to a temporary file and renamed when complete.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadModel } from '../../models/storage.js';
import { readPredictionInput } from '../../data/prediction-input.js';
import type { GenreClassifier, GenrePrediction } from '../../models/classifier.js';
import type { RowProblem } from '../../data/titles.js';
import { useBackend, type BackendName } from '../../engine/backend.js';
import { PlotlineError } from '../../util/errors.js';

export interface PredictCommandOptions {
  model: string;
  texts: string[];
  input?: string;
  output?: string;
  topK?: number;
  threshold?: number;
  json: boolean;
  onError: 'skip' | 'fail';
  backend: BackendName;
  quiet: boolean;
}

/** Rows scored per forward pass while streaming a file. */
const CHUNK = 1024;

export async function predictCommand(options: PredictCommandOptions): Promise<void> {
  if (options.input === undefined && options.texts.length === 0) {
    throw new PlotlineError('give a description to classify, or --input FILE (CSV with a description column, or JSON Lines)');
  }
  if (options.input !== undefined && options.texts.length > 0) throw new PlotlineError('give either descriptions or --input, not both');
  await useBackend(options.backend);
  const { classifier } = await loadModel(options.model);
  const decideOptions = { thresholds: options.threshold, topK: options.topK };
  if (options.input === undefined) {
    const predictions = classifier.predict(options.texts, decideOptions);
    if (options.json) {
      for (const [i, p] of predictions.entries()) process.stdout.write(JSON.stringify({ id: i + 1, ...p }) + '\n');
    } else {
      for (const [i, p] of predictions.entries()) process.stdout.write(describe(options.texts[i], p, options.topK ?? 5) + '\n');
    }
    return;
  }
  const problems = await scoreFile(classifier, options.input, options.output, options, decideOptions);
  if (problems.length > 0 && !options.quiet) {
    process.stderr.write(`skipped ${problems.length} malformed row(s):\n`);
    for (const p of problems.slice(0, 20)) process.stderr.write(`  ${p.file}, line ${p.line}, field "${p.field}": ${p.message}\n`);
  }
}

function describe(text: string, prediction: GenrePrediction, topK: number): string {
  const ranked = Object.entries(prediction.scores)
    .sort((a, b) => b[1] - a[1])
    .slice(0, topK)
    .map(([g, s]) => `  ${prediction.genres.includes(g) ? '*' : ' '} ${s.toFixed(3)}  ${g}`);
  return [`${text}`, `  genres: ${prediction.genres.join(', ')}`, ...ranked].join('\n');
}

async function scoreFile(
  classifier: GenreClassifier,
  input: string,
  output: string | undefined,
  options: PredictCommandOptions,
  decideOptions: { thresholds?: number; topK?: number },
): Promise<RowProblem[]> {
  const problems: RowProblem[] = [];
  const temporary = output === undefined ? null : join(dirname(output), `.${basename(output)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const sink = temporary === null ? process.stdout : createWriteStream(temporary);
  const write = async (text: string) => {
    if (!sink.write(text)) await once(sink, 'drain');
  };
  try {
    let chunk: { id: string; text: string }[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      const predictions = classifier.predict(
        chunk.map((r) => r.text),
        decideOptions,
      );
      let lines = '';
      for (let i = 0; i < chunk.length; i++) {
        const p = predictions[i];
        lines += JSON.stringify({ id: chunk[i].id, genres: p.genres, scores: p.scores, ...(p.top === undefined ? {} : { top: p.top }) }) + '\n';
      }
      await write(lines);
      chunk = [];
    };
    for await (const row of readPredictionInput(input, { onError: options.onError, onProblem: (p) => problems.push(p) })) {
      chunk.push(row);
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
    if (temporary !== null && output !== undefined) {
      const file = sink as ReturnType<typeof createWriteStream>;
      file.end();
      await once(file, 'finish');
      await rename(temporary, output);
    }
  } catch (error) {
    if (temporary !== null) {
      (sink as ReturnType<typeof createWriteStream>).destroy();
      await rm(temporary, { force: true });
    }
    throw error;
  }
  return problems;
}
