/**
 * The word tokenizer's speed on the catalogue's descriptions, in descriptions per second, beside a
 * peer measured in the same run: a plain `Intl.Segmenter` word split (UAX #29 for every text), which
 * is what the tokenizer would cost if it segmented every text rather than only the ones that need it.
 * With `--other FILE`, a second tokenizer module exporting `tokenize` (e.g. an older copy of
 * src/text/tokenizer.ts) is measured too, for before/after comparisons.
 *
 *   node --import tsx bench/tokenizer.ts [--data ../shared/data/netflix_titles.csv] [--rounds 5] [--other FILE]
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readTitles } from '../src/data/titles.js';
import { tokenize } from '../src/text/tokenizer.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/netflix_titles.csv' },
    rounds: { type: 'string', default: '5' },
    other: { type: 'string' },
  },
});
if (!existsSync(values.data)) {
  console.log(`bench/tokenizer: skipped: ${values.data} not found (give --data FILE)`);
  process.exit(0);
}
const rounds = Number(values.rounds);
const texts = (await readTitles(values.data, { requireGenres: false })).titles.map((t) => t.description);

const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
const segmenterTokenize = (text: string): string[] => {
  const out: string[] = [];
  for (const s of segmenter.segment(text.normalize('NFKC').toLowerCase())) if (s.isWordLike === true) out.push(s.segment);
  return out;
};

/** Best of `rounds` passes over every text (after one warm-up pass), in descriptions per second. */
function rate(run: (text: string) => string[]): number {
  let sink = 0;
  for (const t of texts) sink += run(t).length;
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    for (const t of texts) sink += run(t).length;
    best = Math.min(best, performance.now() - started);
  }
  if (sink < 0) console.log(sink);
  return texts.length / (best / 1000);
}

const rows: [string, number][] = [['tokenize (src/text/tokenizer.ts)', rate(tokenize)]];
rows.push(['Intl.Segmenter on every text (peer)', rate(segmenterTokenize)]);
if (values.other !== undefined) {
  const other = (await import(pathToFileURL(resolve(values.other)).href)) as { tokenize: (text: string) => string[] };
  rows.push([`tokenize of ${values.other}`, rate(other.tokenize)]);
}
const base = rows[0][1];
console.log(`${texts.length} descriptions, best of ${rounds} rounds, Node ${process.version}`);
console.log('| tokenizer | descriptions/s | vs tokenize |\n|---|---:|---:|');
for (const [name, perSecond] of rows) console.log(`| ${name} | ${Math.round(perSecond).toLocaleString('en-US')} | ${(perSecond / base).toFixed(2)}x |`);
