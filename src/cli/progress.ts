/**
 * Training progress: a live bar (epoch, batch, loss, last validation F1, ETA) on a terminal; one plain
 * line per epoch otherwise (CI logs, pipes), and nothing with --quiet.
 */
import cliProgress from 'cli-progress';
import type { EpochLog } from '../training/trainer.js';
import type { CompareHooks } from '../compare/run-compare.js';

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

/**
 * `compare` progress: on a terminal, one bar over the models and one over the current model's
 * batches or embedding; otherwise one line per model and epoch (CI logs, pipes).
 */
export function compareProgress(options: { quiet: boolean; stream?: NodeJS.WriteStream }): { hooks: CompareHooks; stop(): void } {
  const stream = options.stream ?? process.stderr;
  // --quiet: no progress, but warnings still reach stderr.
  if (options.quiet) return { hooks: { onWarning: (message) => stream.write(`warning: ${message}\n`) }, stop: () => {} };
  const line = (text: string): void => void stream.write(text + '\n');
  const ended: CompareHooks['onModelEnd'] = (row) =>
    line(row.status === 'ok' && row.test !== undefined ? `${row.name}: done, test micro-F1 ${row.test.tuned.microF1.toFixed(3)}` : `${row.name}: FAILED: ${row.error}`);
  if (stream.isTTY !== true || process.env.CI !== undefined) {
    return {
      hooks: {
        onModelStart: (name, index, total) => line(`[${index + 1}/${total}] ${name}`),
        onEpoch: (name, log, max) => line(`  ${name} epoch ${log.epoch}/${max}  val micro-F1 ${log.valMicroF1.toFixed(3)}  macro-F1 ${log.valMacroF1.toFixed(3)}  ${log.seconds.toFixed(1)}s`),
        onModelEnd: ended,
        onWarning: (message) => line(`warning: ${message}`),
      },
      stop: () => {},
    };
  }
  const bars = new cliProgress.MultiBar({ stream, hideCursor: true, clearOnComplete: false, format: '{label} [{bar}] {value}/{total} {detail}' }, cliProgress.Presets.shades_classic);
  let models: cliProgress.SingleBar | null = null;
  let current: cliProgress.SingleBar | null = null;
  let lastF1 = '-';
  const work = (label: string, total: number, value: number, detail: string): void => {
    if (current === null) current = bars.create(total, value, { label, detail });
    current.setTotal(total);
    current.update(value, { label, detail });
  };
  return {
    hooks: {
      onModelStart: (name, index, total) => {
        if (models === null) models = bars.create(total, 0, { label: 'models  ', detail: '' });
        models.update(index, { detail: name });
        lastF1 = '-';
      },
      onEmbed: (name, done, total) => work(`${name} embed`, total, done, 'texts'),
      onBatch: (name, { epoch, batch, batches }) => work(`${name} epoch ${epoch}`, batches, batch, `batches | val micro-F1 ${lastF1}`),
      onEpoch: (_name, log) => {
        lastF1 = log.valMicroF1.toFixed(3);
      },
      onModelEnd: (row) => {
        models?.increment(1, { detail: row.name });
        bars.log(`${row.status === 'ok' && row.test !== undefined ? `${row.name}: test micro-F1 ${row.test.tuned.microF1.toFixed(3)}` : `${row.name}: FAILED: ${row.error}`}\n`);
      },
      onWarning: (message) => bars.log(`warning: ${message}\n`),
    },
    stop: () => bars.stop(),
  };
}
