/**
 * Progress of `predict --input` on a terminal: rows scored, rows per second and, once the input's
 * line count is known, a bar with a percentage and ETA. The line count is taken by a background
 * pass over the file (disk-speed, far faster than scoring), so the bar starts at once and gains its
 * percentage a moment later. Nothing on a non-terminal, in CI, or with --quiet.
 */
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';

export interface BatchProgress {
  /** `rows` scored and written so far; `line` is the input line of the last one. */
  update(rows: number, line: number): void;
  stop(): void;
}

const SILENT: BatchProgress = { update: () => {}, stop: () => {} };

export function batchProgress(options: { input: string; quiet: boolean; stream?: NodeJS.WriteStream }): BatchProgress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || stream.isTTY !== true || process.env.CI !== undefined) return SILENT;

  // Loaded only for a bar that shows (~17 ms of a core at start-up otherwise spent on every quiet run).
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
  let totalLines: number | null = null;
  const counter = countLines(options.input, (n) => {
    totalLines = n;
  });
  const started = performance.now();
  let rows = 0;
  let line = 0;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
      format: (opts, _params, _payload) => {
        const seconds = (performance.now() - started) / 1000;
        const rate = seconds > 0 ? rows / seconds : 0;
        const counts = `${rows.toLocaleString('en-US')} rows | ${Math.round(rate).toLocaleString('en-US')} rows/s`;
        if (totalLines === null || totalLines === 0) return `scoring ${counts} | ${formatSeconds(seconds)}`;
        const fraction = Math.min(1, line / totalLines);
        const eta = fraction > 0 ? (seconds * (1 - fraction)) / fraction : NaN;
        return `scoring [${cliProgress.Format.BarFormat(fraction, opts)}] ${Math.floor(fraction * 100)}% | ${counts} | ETA ${formatSeconds(eta)}`;
      },
    },
    cliProgress.Presets.shades_classic,
  );
  let shown = false;
  return {
    update(r, l) {
      rows = r;
      line = l;
      // Shown from the first rows on, so a run that fails while starting prints only its error.
      if (!shown) bar.start(1, 0);
      shown = true;
      bar.update(0); // the bar redraws on its own timer; the formatter reads rows and line above
    },
    stop() {
      counter.destroy();
      if (shown) bar.stop();
    },
  };
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Counts the file's lines (line feeds, plus a last line without one) in the background. */
function countLines(path: string, done: (lines: number) => void): { destroy(): void } {
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  let breaks = 0;
  let last = 10;
  input.on('data', (chunk) => {
    const bytes = chunk as Buffer;
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) breaks += 1;
    if (bytes.length > 0) last = bytes[bytes.length - 1];
  });
  input.on('end', () => done(breaks + (last === 10 ? 0 : 1)));
  input.on('error', () => {}); // progress only: the reader reports unreadable files
  return { destroy: () => input.destroy() };
}
