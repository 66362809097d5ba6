/**
 * Progress of `predict --queue` on a terminal: shards done out of shards queued (the total is known
 * once the whole input has been read), rows done, and rows per second. Nothing on a non-terminal, in
 * CI, or with --quiet.
 */
import cliProgress from 'cli-progress';

export interface ShardProgress {
  /** `done` of `queued` shards are finished (`rows` rows); `complete` once every shard is queued. */
  update(state: { done: number; queued: number; rows: number; complete: boolean }): void;
  stop(): void;
}

const SILENT: ShardProgress = { update: () => {}, stop: () => {} };

export function shardProgress(options: { quiet: boolean; stream?: NodeJS.WriteStream }): ShardProgress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || stream.isTTY !== true || process.env.CI !== undefined) return SILENT;
  const started = performance.now();
  let state = { done: 0, queued: 0, rows: 0, complete: false };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
      format: (opts) => {
        const seconds = (performance.now() - started) / 1000;
        const rate = seconds > 0 ? Math.round(state.rows / seconds) : 0;
        const total = state.complete ? `${state.queued}` : `${state.queued}+`;
        const fraction = state.queued > 0 ? state.done / state.queued : 0;
        return `shards [${cliProgress.Format.BarFormat(fraction, opts)}] ${state.done}/${total} | ${state.rows.toLocaleString('en-US')} rows | ${rate.toLocaleString('en-US')} rows/s`;
      },
    },
    cliProgress.Presets.shades_classic,
  );
  let shown = false;
  return {
    update(next) {
      state = next;
      if (!shown) bar.start(1, 0);
      shown = true;
      bar.update(0);
    },
    stop() {
      if (shown) bar.stop();
    },
  };
}
