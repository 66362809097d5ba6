/**
 * Token vectors to one vector per text, the way sentence-transformers' Pooling and Normalize modules
 * do it, so a folder exported from sentence-transformers gives the vectors its model card promises.
 * Kept apart from the session code so the arithmetic can be checked on hand-made numbers.
 *
 * Mean pooling averages only the tokens the attention mask marks as real: padding must not pull a
 * short text's vector towards whatever the model makes of [PAD], or the same text would embed
 * differently depending on the batch it landed in. CLS takes the first token, which the tokenizer
 * always makes [CLS] (Plotline pads on the right).
 */
import type { Pooling } from './encoder-folder.js';

export interface TokenVectors {
  /** rows x tokens x width, row-major (the model's last_hidden_state). */
  data: Float32Array;
  rows: number;
  tokens: number;
  width: number;
}

/** rows x width, row-major. `mask` is rows x tokens, 1 for a real token and 0 for padding. */
export function poolTokenVectors(
  hidden: TokenVectors,
  mask: ArrayLike<number | bigint>,
  pooling: Pooling,
  normalize: boolean,
): Float32Array {
  const { data, rows, tokens, width } = hidden;
  if (data.length !== rows * tokens * width) {
    throw new Error(`token vectors hold ${data.length} values, expected ${rows} x ${tokens} x ${width}`);
  }
  if (mask.length !== rows * tokens) throw new Error(`attention mask holds ${mask.length} values, expected ${rows} x ${tokens}`);
  const out = new Float32Array(rows * width);
  // Sums in float64: a 512-token mean in float32 would depend on summation order more than it needs to.
  const sum = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    const row = r * tokens * width;
    if (pooling === 'cls') {
      for (let j = 0; j < width; j++) sum[j] = data[row + j];
    } else {
      sum.fill(0);
      let count = 0;
      for (let t = 0; t < tokens; t++) {
        if (Number(mask[r * tokens + t]) === 0) continue;
        count++;
        const offset = row + t * width;
        for (let j = 0; j < width; j++) sum[j] += data[offset + j];
      }
      // sentence-transformers clamps the count at 1e-9: a row with no real token pools to zeros.
      const scale = 1 / Math.max(count, 1e-9);
      for (let j = 0; j < width; j++) sum[j] *= scale;
    }
    let scale = 1;
    if (normalize) {
      let squares = 0;
      for (let j = 0; j < width; j++) squares += sum[j] * sum[j];
      // torch.nn.functional.normalize's eps: a zero vector stays zero instead of becoming NaN.
      scale = 1 / Math.max(Math.sqrt(squares), 1e-12);
    }
    for (let j = 0; j < width; j++) out[r * width + j] = sum[j] * scale;
  }
  return out;
}
