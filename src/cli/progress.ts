/**
 * Training progress: a live bar (epoch, batch, loss, last validation F1, ETA) on a terminal; one plain
 * line per epoch otherwise (CI logs, pipes), and nothing with --quiet.
 */
import cliProgress from 'cli-progress';
import type { EpochLog } from '../training/trainer.js';

export interface TrainingProgress {
  onBatch(progress: { epoch: number; batch: number; batches: number; loss: number }): void;
  onEpoch(log: EpochLog, maxEpochs: number): void;
  stop(): void;
}

export function trainingProgress(options: { quiet: boolean; stream?: NodeJS.WriteStream }): TrainingProgress {
  const stream = options.stream ?? process.stderr;
  const live = !options.quiet && stream.isTTY === true && process.env.CI === undefined;
  if (options.quiet) return { onBatch: () => {}, onEpoch: () => {}, stop: () => {} };
  if (!live) {
    return {
      onBatch: () => {},
      onEpoch: (log, maxEpochs) =>
        stream.write(
          `epoch ${log.epoch}/${maxEpochs}  loss ${log.loss.toFixed(4)}  val micro-F1 ${log.valMicroF1.toFixed(3)}  ` +
            `val macro-F1 ${log.valMacroF1.toFixed(3)}  ${log.seconds.toFixed(1)}s\n`,
        ),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'epoch {epoch} [{bar}] {value}/{total} batches | loss {loss} | val micro-F1 {valF1} | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let lastValF1 = '-';
  return {
    onBatch: ({ epoch, batch, batches, loss }) => {
      if (!started || batch === 1) {
        if (started) bar.stop();
        bar.start(batches, 0, { epoch, loss: '-', valF1: lastValF1 });
        started = true;
      }
      bar.update(batch, { epoch, loss: loss.toFixed(4), valF1: lastValF1 });
    },
    onEpoch: (log) => {
      lastValF1 = log.valMicroF1.toFixed(3);
      bar.update({ valF1: lastValF1 });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/** A bar for embedding texts with a pretrained encoder (the slow first step of an encoder + head kind). */
export function embeddingProgress(options: { quiet: boolean; stream?: NodeJS.WriteStream }): { update(done: number, total: number): void; stop(): void } {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || stream.isTTY !== true || process.env.CI !== undefined) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ stream, format: 'embedding [{bar}] {value}/{total} texts | ETA {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
