/**
 * The encoder must feed the model the token ids the model was trained on. The expected ids here come
 * from an independent reference: a small BERT basic tokenizer + WordPiece written below straight
 * from the BERT recipe over vocab.txt (not from tokenizer.json, not from running the code under test),
 * plus direct vocab.txt look-ups for words known to be whole tokens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { AutoTokenizer } from '@huggingface/transformers';
import { FolderTokenizer, padBatch } from '../../../src/encoders/onnx/tokenizer.js';
import { openOnnxEncoder } from '../../../src/encoders/onnx/onnx-encoder.js';
import { noSharedMiniLm, sharedMiniLmDir, writeTinyBertFolder } from '../../helpers/tiny-bert.js';

const skip = { skip: noSharedMiniLm };

// ---- reference tokenizer (BERT uncased: clean, CJK split, lower-case + strip accents, punctuation split, WordPiece)

function loadVocab(): Map<string, number> {
  const lines = fs.readFileSync(path.join(sharedMiniLmDir, 'vocab.txt'), 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return new Map(lines.map((token, id) => [token, id]));
}

const isCjk = (cp: number): boolean =>
  (cp >= 0x4e00 && cp <= 0x9fff) ||
  (cp >= 0x3400 && cp <= 0x4dbf) ||
  (cp >= 0x20000 && cp <= 0x2a6df) ||
  (cp >= 0x2a700 && cp <= 0x2b73f) ||
  (cp >= 0x2b740 && cp <= 0x2b81f) ||
  (cp >= 0x2b820 && cp <= 0x2ceaf) ||
  (cp >= 0xf900 && cp <= 0xfaff) ||
  (cp >= 0x2f800 && cp <= 0x2fa1f);
const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || /\p{Zs}/u.test(c);
const isControl = (c: string): boolean => !(c === '\t' || c === '\n' || c === '\r') && /\p{C}/u.test(c);
const isPunctuation = (c: string): boolean => {
  const cp = c.codePointAt(0) ?? 0;
  return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126) || /\p{P}/u.test(c);
};

function basicTokens(text: string): string[] {
  let cleaned = '';
  for (const c of text) {
    const cp = c.codePointAt(0) ?? 0;
    if (cp === 0 || cp === 0xfffd || isControl(c)) continue;
    if (isWhitespace(c)) cleaned += ' ';
    else if (isCjk(cp)) cleaned += ` ${c} `;
    else cleaned += c;
  }
  const normalised = cleaned.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase();
  const words: string[] = [];
  let current = '';
  for (const c of normalised) {
    if (isWhitespace(c) || isPunctuation(c)) {
      if (current !== '') words.push(current);
      current = '';
      if (isPunctuation(c)) words.push(c);
    } else {
      current += c;
    }
  }
  if (current !== '') words.push(current);
  return words;
}

function wordPiece(word: string, vocab: Map<string, number>): number[] {
  const chars = [...word];
  if (chars.length > 100) return [vocab.get('[UNK]')!];
  const ids: number[] = [];
  let start = 0;
  while (start < chars.length) {
    let end = chars.length;
    let found: number | undefined;
    while (start < end) {
      const piece = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
      found = vocab.get(piece);
      if (found !== undefined) break;
      end--;
    }
    if (found === undefined) return [vocab.get('[UNK]')!];
    ids.push(found);
    start = end;
  }
  return ids;
}

function referenceIds(text: string, vocab: Map<string, number>, maxLength = 256): number[] {
  const body = basicTokens(text).flatMap((w) => wordPiece(w, vocab));
  return [vocab.get('[CLS]')!, ...body.slice(0, maxLength - 2), vocab.get('[SEP]')!];
}

// ---- tests

let cached: { tokenizer: FolderTokenizer; vocab: Map<string, number> } | undefined;
async function setup(): Promise<{ tokenizer: FolderTokenizer; vocab: Map<string, number> }> {
  cached ??= { tokenizer: await FolderTokenizer.open(sharedMiniLmDir), vocab: loadVocab() };
  return cached;
}

test('accents are stripped and text lower-cased, as BertNormalizer does for an uncased model', skip, async () => {
  const { tokenizer, vocab } = await setup();
  const [encoded] = tokenizer.encode(['Café Déjà vu'], 256);
  assert.deepEqual(encoded.ids, referenceIds('Café Déjà vu', vocab));
  // Independent of the reference code: "cafe" and "vu" are whole vocabulary entries.
  assert.equal(encoded.ids[1], vocab.get('cafe'));
  assert.equal(encoded.ids[encoded.ids.length - 2], vocab.get('vu'));
  // The same text without accents and in lower case gives the same ids.
  assert.deepEqual(tokenizer.encode(['cafe deja vu'], 256)[0].ids, encoded.ids);
});

test('punctuation becomes tokens of its own', skip, async () => {
  const { tokenizer, vocab } = await setup();
  const text = `Hello, world! (It's) a 1970s-era "noir"... really?`;
  const [encoded] = tokenizer.encode([text], 256);
  assert.deepEqual(encoded.ids, referenceIds(text, vocab));
  const id = (token: string): number => vocab.get(token)!;
  assert.deepEqual(encoded.ids.slice(0, 8), [id('[CLS]'), id('hello'), id(','), id('world'), id('!'), id('('), id('it'), id("'")]);
});

test('a long unknown word is split into ## pieces, and a 101-character word is [UNK]', skip, async () => {
  const { tokenizer, vocab } = await setup();
  const word = 'supercalifragilisticexpialidocious';
  const [encoded] = tokenizer.encode([word], 256);
  assert.deepEqual(encoded.ids, referenceIds(word, vocab));
  const pieces = encoded.ids.slice(1, -1);
  assert.ok(pieces.length > 3, `expected several pieces, got ${pieces.length}`);
  const tokens = [...vocab.entries()];
  const tokenOf = (id: number): string => tokens.find(([, i]) => i === id)![0];
  assert.ok(!tokenOf(pieces[0]).startsWith('##'));
  for (const p of pieces.slice(1)) assert.ok(tokenOf(p).startsWith('##'), tokenOf(p));
  assert.equal(pieces.map(tokenOf).join('').replaceAll('##', ''), word);

  const tooLong = 'a'.repeat(101);
  assert.deepEqual(tokenizer.encode([tooLong], 256)[0].ids, [vocab.get('[CLS]'), vocab.get('[UNK]'), vocab.get('[SEP]')]);
});

test('Chinese characters are split one per token, unknown ones becoming [UNK]', skip, async () => {
  const { tokenizer, vocab } = await setup();
  const text = '我爱功夫电影 and 龘';
  const [encoded] = tokenizer.encode([text], 256);
  assert.deepEqual(encoded.ids, referenceIds(text, vocab));
  const perChar = [...'我爱功夫电影'].map((c) => vocab.get(c) ?? vocab.get('[UNK]')!);
  assert.deepEqual(encoded.ids.slice(1, 7), perChar);
});

test('truncation keeps [CLS] and [SEP] at the max length the folder sets (256)', skip, async () => {
  const { vocab } = await setup();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plotline-tokenizer-'));
  try {
    const encoder = await openOnnxEncoder(writeTinyBertFolder(dir));
    try {
      assert.equal(encoder.folder.maxLength, 256);
      const words = Array.from({ length: 400 }, (_, i) => ['film', 'about', 'a', 'detective', 'in', 'seoul'][i % 6]).join(' ');
      const ids = encoder.tokenize(words);
      assert.equal(ids.length, 256);
      assert.equal(ids[0], vocab.get('[CLS]'));
      assert.equal(ids[255], vocab.get('[SEP]'));
      assert.deepEqual(ids, referenceIds(words, vocab, 256));
      // A short text is not padded to the tokenizer.json's own fixed length (128).
      assert.deepEqual(encoder.tokenize('film'), [vocab.get('[CLS]'), vocab.get('film'), vocab.get('[SEP]')]);
    } finally {
      await encoder.dispose();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const titlesCsv = path.resolve(process.cwd(), '../shared/data/netflix_titles.csv');
test(
  'every description in the real catalogue tokenizes as the reference does',
  { skip: noSharedMiniLm || (fs.existsSync(titlesCsv) ? false : `no ${titlesCsv}; skipping the catalogue comparison`) },
  async () => {
    const { tokenizer, vocab } = await setup();
    const rows = parse(fs.readFileSync(titlesCsv), { columns: true }) as { description: string }[];
    const texts = rows.map((r) => r.description);
    assert.ok(texts.length > 6000);
    const encoded = tokenizer.encode(texts, 256);
    const mismatches = texts.filter((text, i) => JSON.stringify(encoded[i].ids) !== JSON.stringify(referenceIds(text, vocab)));
    assert.deepEqual(mismatches.slice(0, 3), []);
  },
);

test('below the max length, the ids are what the library itself gives with its special tokens', skip, async () => {
  const { tokenizer } = await setup();
  const library = await AutoTokenizer.from_pretrained(sharedMiniLmDir, { local_files_only: true });
  const texts = ['A detective hunts a killer in 1970s Seoul.', '', 'Café Déjà vu — 我爱电影!'];
  const expected = library(texts, { return_tensor: false });
  const encoded = tokenizer.encode(texts, 256);
  assert.deepEqual(encoded.map((e) => e.ids), expected.input_ids);
  assert.deepEqual(encoded.map((e) => e.typeIds), expected.token_type_ids);
});

test('padBatch pads on the right with the pad id and masks the padding', () => {
  const batch = padBatch([{ ids: [101, 7, 102], typeIds: [0, 0, 0] }, { ids: [101, 102], typeIds: [0, 0] }], 0);
  assert.equal(batch.rows, 2);
  assert.equal(batch.tokens, 3);
  assert.deepEqual(batch.inputIds.dims, [2, 3]);
  assert.deepEqual(Array.from(batch.inputIds.data as BigInt64Array, Number), [101, 7, 102, 101, 102, 0]);
  assert.deepEqual(Array.from(batch.mask, Number), [1, 1, 1, 1, 1, 0]);
  assert.deepEqual(Array.from(batch.tokenTypeIds?.data as BigInt64Array, Number), [0, 0, 0, 0, 0, 0]);
  assert.equal(padBatch([{ ids: [0, 5] }], 1).tokenTypeIds, undefined);
});
