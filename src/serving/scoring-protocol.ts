/** What the server's main thread and its scoring threads (scoring-thread.ts) send each other. */
import type { BackendName } from '../engine/backend.js';
import type { EncoderLocation } from '../models/storage.js';
import type { Explanation } from '../explain/occlusion.js';

/** Given to every scoring thread at start: the model to load and how. */
export interface ScoringThreadData {
  modelDir: string;
  backend: BackendName;
  encoder?: EncoderLocation;
}

/** One task: wait for the model (`ready`), score texts, or explain one text by occlusion. */
export type ScoringTask =
  | { type: 'ready' }
  | { type: 'score'; texts: string[] }
  | { type: 'explain'; text: string; /** null: the best genre */ genre: string | null };

/** `score`: texts x genres probabilities, row-major; `explain`: one explanation; `ready`: the genre count. */
export type ScoringResult = Float32Array | Explanation | { genres: number };
