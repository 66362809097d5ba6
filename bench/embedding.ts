/**
 * `npm run bench:embedding`: how long the Universal Sentence Encoder takes to embed every description
 * of the catalogue (../shared/data), on one thread and on worker threads, and what a cached rerun
 * costs. The bar: all 6,234 descriptions in under 90 s on a 2-core machine.
 *
 *   npm run bench:embedding
 *   npm run bench:embedding -- --threads 1,2,4 --limit 2000
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readTitles } from '../src/data/titles.js';
import { openUseEncoder } from '../src/encoders/use/use-encoder.js';
import { EmbeddingCache, embedWithCache } from '../src/encoders/embedding-cache.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '1,2' },
    limit: { type: 'string' },
    data: { type: 'string', default: resolve('../shared/data') },
  },
});
const csv = join(values.data as string, 'netflix_titles.csv');
if (!existsSync(csv)) {
  console.log(`bench skipped: ${csv} not found; pass --data DIR`);
  process.exit(0);
}
const { titles } = await readTitles(csv);
const texts = titles.map((t) => t.description).slice(0, values.limit === undefined ? undefined : Number(values.limit));
console.log(`Universal Sentence Encoder lite (wasm), ${texts.length} descriptions`);

const seconds: Record<number, number> = {};
for (const threads of (values.threads as string).split(',').map(Number)) {
  const opened = performance.now();
  const encoder = await openUseEncoder({ threads });
  const ready = performance.now();
  await encoder.embed(texts);
  seconds[threads] = (performance.now() - ready) / 1000;
  console.log(
    `  ${threads} thread(s): ${seconds[threads].toFixed(1)} s (${(texts.length / seconds[threads]).toFixed(0)} texts/s), ` +
      `load ${((ready - opened) / 1000).toFixed(2)} s` +
      (seconds[1] !== undefined && threads !== 1 ? `, ${(seconds[1] / seconds[threads]).toFixed(2)}x one thread` : ''),
  );
  await encoder.dispose();
}

// A cached rerun: the second call finds every text in the cache and embeds nothing.
const dir = mkdtempSync(join(tmpdir(), 'plotline-bench-cache-'));
try {
  const encoder = await openUseEncoder();
  const cache = await EmbeddingCache.open(dir, encoder.id, encoder.dimension);
  await embedWithCache(encoder, texts, cache);
  const started = performance.now();
  const reopened = await EmbeddingCache.open(dir, encoder.id, encoder.dimension);
  const again = await embedWithCache(encoder, texts, reopened);
  console.log(`  cached rerun: ${((performance.now() - started) / 1000).toFixed(2)} s to reopen the cache and look up ${again.hits} texts (${again.misses} embedded)`);
  await encoder.dispose();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
