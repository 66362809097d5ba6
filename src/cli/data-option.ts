/** `--data` of train, evaluate and compare: a path, or a named dataset (data/datasets.ts) with its standard split. */
import { resolveDataset } from '../data/datasets.js';

export interface DataOptionSettings {
  /** `--allow-download`: fetch a named dataset that is not cached. */
  allowDownload?: boolean;
  /** `--cache-dir`: where named datasets are kept (under `datasets/`). */
  cacheDir: string;
  /** `--quiet`: say nothing about a download. */
  quiet?: boolean;
}

/**
 * The file that `data` stands for and the split to use: an explicit `split` wins, else a named
 * dataset's standard split, else none (the command's seeded split). A download is announced on
 * stderr. Throws the PlotlineError of resolveDataset (unknown name, not cached without
 * --allow-download, every URL failed).
 */
export async function resolveDataOption(data: string, split: string | undefined, settings: DataOptionSettings): Promise<{ data: string; split?: string }> {
  const resolved = await resolveDataset(data, {
    allowDownload: settings.allowDownload,
    cacheDir: settings.cacheDir,
    onDownload: (message) => {
      if (settings.quiet !== true) process.stderr.write(`${message}\n`);
    },
  });
  return { data: resolved.file, split: split ?? resolved.split };
}
