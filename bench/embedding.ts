/**
 * `npm run bench:embedding`: how long the Universal Sentence Encoder takes to embed every description
 * of the catalogue (../shared/data) in ONNX Runtime (the default; `threads` intra-op threads) and in
 * the TF.js graph (the previous path; `threads` worker threads), in the same run, with the ratio; and
 * what a cached rerun costs. The bar: all 6,234 descriptions in under 90 s on a 2-core machine.
 *
 *   npm run bench:embedding
 *   npm run bench:embedding -- --runtimes onnx --threads 1,2,4 --limit 2000
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readTitles } from '../src/data/titles.js';
import { openUseEncoder, type UseRuntime } from '../src/encoders/use/use-encoder.js';
import { EmbeddingCache, embedWithCache } from '../src/encoders/embedding-cache.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '1,2' },
    runtimes: { type: 'string', default: 'onnx,tfjs' },
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
console.log(`Universal Sentence Encoder lite, ${texts.length} descriptions (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);

const seconds = new Map<string, number>();
for (const runtime of (values.runtimes as string).split(',') as UseRuntime[]) {
  for (const threads of (values.threads as string).split(',').map(Number)) {
    const opened = performance.now();
    const encoder = await openUseEncoder({ threads, runtime });
    // The graph loads with the first texts: one short warm-up call, timed as load.
    await encoder.embed(texts.slice(0, 1));
    const ready = performance.now();
    const cpu = process.cpuUsage();
    await encoder.embed(texts);
    const wall = (performance.now() - ready) / 1000;
    const used = process.cpuUsage(cpu);
    seconds.set(`${runtime}:${threads}`, wall);
    console.log(
      `  ${runtime} ${threads} thread(s): ${wall.toFixed(1)} s (${(texts.length / wall).toFixed(0)} texts/s, ` +
        `${((used.user + used.system) / 1e6).toFixed(1)} CPU s of this process), load ${((ready - opened) / 1000).toFixed(2)} s`,
    );
    await encoder.dispose();
  }
}
for (const threads of (values.threads as string).split(',').map(Number)) {
  const [onnx, tfjs] = [seconds.get(`onnx:${threads}`), seconds.get(`tfjs:${threads}`)];
  if (onnx !== undefined && tfjs !== undefined) console.log(`  ${threads} thread(s): onnx ${(tfjs / onnx).toFixed(2)}x tfjs, same run`);
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
