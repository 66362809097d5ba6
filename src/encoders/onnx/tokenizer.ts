/**
 * The folder's own tokenizer (tokenizer.json through `@huggingface/transformers`), so token ids are
 * exactly those the model was trained on: BertNormalizer's lower-casing and accent stripping,
 * per-character CJK splitting and WordPiece come from the file, not from code here.
 *
 * Truncation is done here, not by the library: `@huggingface/transformers` 4.3 truncates after adding
 * the special tokens, so a long text loses its final [SEP], unlike the Python tokenizers the models
 * were trained with (which cut the text, then add [CLS] ... [SEP]). The special tokens around a single
 * text are read once from the tokenizer itself (by encoding a probe with and without them), so this
 * holds for any single-sequence template, e.g. RoBERTa's <s> ... </s>.
 *
 * Texts are tokenized once, unpadded, so the encoder can sort them by token count before batching;
 * `padBatch` then pads each batch only to its own longest row. Padding is always on the right, with
 * the tokenizer's pad id: the models' absolute positions count from the first token, and CLS pooling
 * reads token 0.
 */
import { AutoTokenizer, Tensor, type PreTrainedTokenizer } from '@huggingface/transformers';
import path from 'node:path';
import { PlotlineError } from '../../util/errors.js';
import { useTransformersOffline } from './transformers-env.js';

export interface EncodedText {
  /** Token ids with the special tokens ([CLS] ... [SEP]), truncated to the max length. */
  ids: number[];
  /** Segment ids, when the tokenizer makes them (BERT does, RoBERTa does not). */
  typeIds?: number[];
}

export interface TokenBatch {
  rows: number;
  /** Length every row is padded to. */
  tokens: number;
  inputIds: Tensor;
  attentionMask: Tensor;
  tokenTypeIds?: Tensor;
  /** The attention mask's values, rows x tokens, for pooling. */
  mask: BigInt64Array;
}

/** What the tokenizer puts around one text: ids and segment ids before and after it. */
interface SpecialTokens {
  prefix: number[];
  suffix: number[];
  /** Segment ids of prefix, text and suffix; undefined when the tokenizer makes none. */
  types?: { prefix: number[]; text: number; suffix: number[] };
}

export class FolderTokenizer {
  private constructor(
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly special: SpecialTokens,
    /** Id written into padded positions. */
    readonly padId: number,
  ) {}

  /** `dir` must be an absolute folder holding tokenizer.json and tokenizer_config.json (see encoder-folder.ts). */
  static async open(dir: string): Promise<FolderTokenizer> {
    useTransformersOffline();
    const file = path.join(dir, 'tokenizer.json');
    let tokenizer: PreTrainedTokenizer;
    try {
      tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
    } catch (err) {
      throw new PlotlineError(`cannot load the tokenizer: ${(err as Error).message}`, { file });
    }
    const padId = typeof tokenizer.pad_token_id === 'number' ? tokenizer.pad_token_id : 0;
    return new FolderTokenizer(tokenizer, findSpecialTokens(tokenizer, file), padId);
  }

  /** One entry per text, in order; each at most `maxLength` ids, special tokens included. */
  encode(texts: readonly string[], maxLength: number): EncodedText[] {
    if (texts.length === 0) return [];
    const { prefix, suffix, types } = this.special;
    const room = Math.max(0, maxLength - prefix.length - suffix.length);
    const bodies = this.tokenizer([...texts], { add_special_tokens: false, return_tensor: false }).input_ids;
    return bodies.map((body) => {
      const kept = body.length > room ? body.slice(0, room) : body;
      const ids = [...prefix, ...kept, ...suffix];
      if (types === undefined) return { ids };
      return { ids, typeIds: [...types.prefix, ...new Array<number>(kept.length).fill(types.text), ...types.suffix] };
    });
  }
}

function findSpecialTokens(tokenizer: PreTrainedTokenizer, file: string): SpecialTokens {
  const probe = 'a';
  const full = tokenizer(probe, { return_tensor: false });
  const body = tokenizer(probe, { add_special_tokens: false, return_tensor: false }).input_ids;
  const ids = full.input_ids;
  let at = -1;
  for (let i = 0; i + body.length <= ids.length && at < 0; i++) {
    if (body.length > 0 && body.every((id, j) => ids[i + j] === id)) at = i;
  }
  if (at < 0) throw new PlotlineError('cannot tell where the tokenizer places a text between its special tokens', { file });
  const end = at + body.length;
  const typeIds = full.token_type_ids;
  return {
    prefix: ids.slice(0, at),
    suffix: ids.slice(end),
    types: typeIds === undefined ? undefined : { prefix: typeIds.slice(0, at), text: typeIds[at], suffix: typeIds.slice(end) },
  };
}

/** Pads `texts` (non-empty) on the right to the longest, as int64 tensors the ONNX graph takes. */
export function padBatch(texts: readonly EncodedText[], padId: number): TokenBatch {
  const rows = texts.length;
  const tokens = Math.max(...texts.map((t) => t.ids.length));
  const ids = new BigInt64Array(rows * tokens).fill(BigInt(padId));
  const mask = new BigInt64Array(rows * tokens);
  const withTypes = texts.every((t) => t.typeIds !== undefined);
  const types = withTypes ? new BigInt64Array(rows * tokens) : undefined;
  texts.forEach((text, r) => {
    text.ids.forEach((id, t) => {
      ids[r * tokens + t] = BigInt(id);
      mask[r * tokens + t] = 1n;
      if (types !== undefined) types[r * tokens + t] = BigInt(text.typeIds?.[t] ?? 0);
    });
  });
  const dims = [rows, tokens];
  return {
    rows,
    tokens,
    inputIds: new Tensor('int64', ids, dims),
    attentionMask: new Tensor('int64', mask, dims),
    tokenTypeIds: types === undefined ? undefined : new Tensor('int64', types, dims),
    mask,
  };
}
