/**
 * What the ONNX encoder's own machinery costs (tokenizing, padding, sorting, ONNX Runtime calls,
 * pooling), measured on the tiny test BERT so it runs anywhere the shared tokenizer is: the model
 * itself is nearly free, so this is the floor under any real model's time per text, not an estimate
 * of MiniLM's. Run: node --import tsx bench/onnx-encoder.ts [count]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { openOnnxEncoder } from '../src/encoders/onnx/onnx-encoder.js';
import { noSharedMiniLm, writeTinyBertFolder } from '../test/helpers/tiny-bert.js';

if (noSharedMiniLm) {
  console.error(noSharedMiniLm);
  process.exit(1);
}
const count = Number(process.argv[2] ?? 2000);
const titlesCsv = path.resolve(process.cwd(), '../shared/data/netflix_titles.csv');
const descriptions = fs.existsSync(titlesCsv)
  ? (parse(fs.readFileSync(titlesCsv), { columns: true }) as { description: string }[]).map((r) => r.description)
  : ['A detective hunts a killer in 1970s Seoul, where nobody is who they seem and every clue leads further into the past.'];
const texts = Array.from({ length: count }, (_, i) => descriptions[i % descriptions.length]);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plotline-bench-onnx-'));
try {
  writeTinyBertFolder(dir);
  let start = performance.now();
  const encoder = await openOnnxEncoder(dir);
  console.log(`open: ${(performance.now() - start).toFixed(0)} ms`);
  await encoder.embed(texts.slice(0, 64)); // warm-up
  for (const batchSize of [32, 1]) {
    const timed = await openOnnxEncoder(dir, { batchSize });
    const n = batchSize === 1 ? Math.min(count, 500) : count;
    start = performance.now();
    await timed.embed(texts.slice(0, n));
    const ms = performance.now() - start;
    console.log(`batch ${batchSize}: ${n} texts in ${ms.toFixed(0)} ms, ${((ms * 1000) / n).toFixed(0)} µs per text`);
    await timed.dispose();
  }
  start = performance.now();
  for (const text of texts) encoder.tokenize(text);
  console.log(`tokenize only: ${(((performance.now() - start) * 1000) / count).toFixed(0)} µs per text`);
  await encoder.dispose();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
