/**
 * The fixed list of genres a model predicts, and the multi-hot encoding of a title's genres.
 * The list's order is the order of the model's outputs, so it is saved with the model
 * (toJSON/fromJSON) rather than rebuilt from whatever data happens to be loaded.
 */
import { PlotlineError } from '../util/errors.js';
import { compareCodePoints } from '../util/strings.js';

export class GenreVocabulary {
  readonly genres: readonly string[];
  private readonly index: ReadonlyMap<string, number>;

  private constructor(genres: readonly string[]) {
    this.genres = Object.freeze([...genres]);
    this.index = new Map(this.genres.map((g, i) => [g, i]));
  }

  /**
   * Sorted by code point rather than by locale or by first appearance, so the same genres give
   * the same output order on every machine and for every row order.
   */
  static fromTitles(titles: readonly { genres: string[] }[]): GenreVocabulary {
    const seen = new Set<string>();
    for (const title of titles) {
      for (const genre of title.genres) {
        if (genre !== '') seen.add(genre);
      }
    }
    return new GenreVocabulary([...seen].sort(compareCodePoints));
  }

  /** Restores a saved list in its saved order (it fixes the meaning of each model output). */
  static fromJSON(list: unknown): GenreVocabulary {
    if (!Array.isArray(list)) throw new PlotlineError('genre list must be a JSON array of strings');
    const seen = new Set<string>();
    list.forEach((genre, i) => {
      if (typeof genre !== 'string' || genre === '') {
        throw new PlotlineError(`genre list entry ${i} must be a non-empty string, got ${JSON.stringify(genre)}`);
      }
      if (seen.has(genre)) throw new PlotlineError(`genre list names "${genre}" twice`);
      seen.add(genre);
    });
    return new GenreVocabulary(list as string[]);
  }

  toJSON(): string[] {
    return [...this.genres];
  }

  get size(): number {
    return this.genres.length;
  }

  indexOf(genre: string): number {
    return this.index.get(genre) ?? -1;
  }

  /**
   * Unknown genres are returned rather than thrown: a test file may legitimately carry a genre the
   * training data never had, and the caller decides whether that is worth a warning.
   */
  encode(genres: readonly string[]): { target: Float32Array; unknown: string[] } {
    const target = new Float32Array(this.size);
    const unknown: string[] = [];
    for (const genre of genres) {
      const i = this.indexOf(genre);
      if (i >= 0) target[i] = 1;
      else if (!unknown.includes(genre)) unknown.push(genre);
    }
    return { target, unknown };
  }

  /** Row-major n x size targets; `unknown` counts, per unknown genre, the titles that carry it. */
  encodeAll(titles: readonly { genres: string[] }[]): { targets: Float32Array; unknown: Map<string, number> } {
    const targets = new Float32Array(titles.length * this.size);
    const unknown = new Map<string, number>();
    titles.forEach((title, row) => {
      const encoded = this.encode(title.genres);
      targets.set(encoded.target, row * this.size);
      for (const genre of encoded.unknown) unknown.set(genre, (unknown.get(genre) ?? 0) + 1);
    });
    return { targets, unknown };
  }
}

