/** What the server's main thread and its scoring threads (scoring-thread.ts) send each other. */
import type { BackendName } from '../engine/backend.js';
import type { EncoderLocation } from '../models/storage.js';
import type { Explanation } from '../explain/occlusion.js';
import type { FieldValues } from '../models/genre-model.js';

/** Given to every scoring thread at start: the model to load and how. */
export interface ScoringThreadData {
  modelDir: string;
  backend: BackendName;
  encoder?: EncoderLocation;
}

/** One task: wait for the model (`ready`), score texts, or explain one text by occlusion. */
export type ScoringTask =
  | { type: 'ready' }
  | { type: 'score'; texts: string[]; fields?: (FieldValues | undefined)[] }
  | { type: 'explain'; text: string; /** null: the best genre */ genre: string | null; fields?: FieldValues; /** the genre cap's thresholds (default the saved ones) */ thresholds?: number | number[] };

/**
 * `score`: texts x genres raw probabilities (no genre-set rules), row-major; `explain`: one explanation
 * (every variant scored with the text's fields, rules applied); `ready`: the genre count.
 */
export type ScoringResult = Float32Array | Explanation | { genres: number };
