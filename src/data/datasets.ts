/**
 * Named datasets, the way scikit-learn's `fetch_*` functions and Hugging Face `datasets` name theirs:
 * `--data netflix` instead of a path. Each name pins one file by sha256 and lists public URLs that
 * serve exactly those bytes. The file is kept at `<cacheDir>/datasets/<name>/<file>` and re-verified
 * on every use; it is downloaded only when the caller allows it (`--allow-download`), so nothing
 * reaches the network unasked. A name may carry the project's standard split, shipped in the
 * repository under `datasets/<name>/`, so that its scores are comparable with the README's.
 */
import { stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlotlineError } from '../util/errors.js';
import { sha256File } from '../util/file-hash.js';
import { downloadVerified } from '../util/verified-download.js';

/** One named dataset: what file it is, how to check it, where to get it. */
export interface NamedDataset {
  /** What `--data` takes: lower-case letters, digits and dashes. */
  name: string;
  /** One line for `--help` and errors. */
  description: string;
  /** File name inside `<cacheDir>/datasets/<name>/`. */
  file: string;
  /** sha256 of the file's bytes (lower-case hex): a cached or downloaded copy must match it. */
  sha256: string;
  /** Size of the file in bytes (a longer download is cut off). */
  bytes: number;
  /** Public URLs serving those exact bytes, tried in order (pinned to a commit, so they cannot drift). */
  urls: readonly string[];
  /** The standard split (`show_id,fold`) that comes with the name, an absolute path; `--split` overrides it. */
  split?: string;
}

const shippedFile = (relative: string): string => fileURLToPath(new URL(`../../datasets/${relative}`, import.meta.url));

/**
 * Kaggle's "Netflix Movies and TV Shows" by Shivam Bansal, the 6,234-title release (early 2020,
 * numeric show_ids), as described in the project's data README: sha256 and size measured on the
 * project's copy; the three GitHub copies, at the commits given, have the same git blob id
 * (52b5143bfc48f80705ddf6a4e866af6157c59776), so they are byte-identical. The licence was not verified.
 */
export const NETFLIX: NamedDataset = {
  name: 'netflix',
  description: 'Kaggle "Netflix Movies and TV Shows", 6,234 titles (early 2020), with the standard train/test split',
  file: 'netflix_titles.csv',
  sha256: '7df8166ec178f05b79ad9fbe2be95816bccf14c88dfe30423f60001894b377e5',
  bytes: 2_410_660,
  urls: [
    'https://raw.githubusercontent.com/prasertcbs/basic-dataset/a53613f61acc18b9ff46a5c018336d2f9ba0187b/netflix_titles.csv',
    'https://raw.githubusercontent.com/aaguasvivas/netflixBinged_CS171_Final_Project/0189f4182af460b01bc2f03c1fcd11a143dc9392/data/netflix_titles.csv',
    'https://raw.githubusercontent.com/stat231-f21/blog_shiny-sea-turtles/43af67aa67cdec2964d256277faf2eee463c9ccc/netflix_titles.csv',
  ],
  split: shippedFile('netflix/split.csv'),
};

/** Every named dataset Plotline knows. */
export const DATASETS: readonly NamedDataset[] = [NETFLIX];

/** Where `dataset`'s file is kept under the cache folder `cacheDir`. */
export function datasetCachePath(dataset: NamedDataset, cacheDir: string): string {
  return join(resolve(cacheDir), 'datasets', dataset.name, dataset.file);
}

export interface ResolveDatasetOptions {
  /** Download a named dataset that is not cached (or whose cached copy is damaged). Default false. */
  allowDownload?: boolean;
  /** Plotline's cache folder (`--cache-dir`; see encoders/cache-dir.ts for the default). */
  cacheDir: string;
  /** The names to know (default DATASETS); tests pass their own, e.g. with URLs on a local server. */
  registry?: readonly NamedDataset[];
  /** Called once before a download, with a line to show the user. */
  onDownload?: (message: string) => void;
  /** Passed to the download: time allowed per URL in milliseconds. */
  timeoutMs?: number;
}

/** What `--data` stands for. */
export interface ResolvedData {
  /** The file to read. */
  file: string;
  /** The dataset's standard split, when it is a named dataset that has one. */
  split?: string;
  /** The named dataset, or undefined for a path. */
  dataset?: NamedDataset;
  /** True when the file was downloaded by this call. */
  downloaded: boolean;
}

/**
 * Turns a `--data` value into a file. Anything that exists is returned as is; a missing file that
 * looks like a path (contains `/` or `\`, or has a file extension) fails with "file not found",
 * naming the datasets `--data` also takes. A registry name resolves to `<cacheDir>/datasets/<name>/<file>`: used when present
 * with the pinned sha256 (checked every time), else downloaded when `allowDownload` (see
 * util/verified-download.ts: mirrors in order, sha256 checked, atomic). Throws a PlotlineError when the
 * name is unknown (listing the known names) or the path is missing, when the file is missing or damaged and downloading is not
 * allowed (saying how to allow it), or when every URL failed.
 */
export async function resolveDataset(spec: string, options: ResolveDatasetOptions): Promise<ResolvedData> {
  if (await exists(spec)) return { file: spec, downloaded: false };
  const registry = options.registry ?? DATASETS;
  if (looksLikePath(spec)) {
    const names = registry.map((d) => d.name).join(', ');
    throw new PlotlineError(`file not found (or --data takes a named dataset: ${names}; with --allow-download the first time)`, { file: spec });
  }
  const dataset = registry.find((d) => d.name === spec);
  if (dataset === undefined) {
    const known = registry.map((d) => `${d.name} (${d.description})`).join('; ');
    throw new PlotlineError(`"${spec}" is neither a file (no such path) nor a named dataset; known names: ${known}`, { field: '--data' });
  }
  const file = datasetCachePath(dataset, options.cacheDir);
  const base = { file, ...(dataset.split === undefined ? {} : { split: dataset.split }), dataset };
  let damaged = '';
  if (await exists(file)) {
    const got = await sha256File(file);
    if (got === dataset.sha256) return { ...base, downloaded: false };
    damaged = `the cached copy ${file} is damaged (sha256 ${got}, expected ${dataset.sha256})`;
  }
  if (options.allowDownload !== true) {
    const why = damaged !== '' ? damaged : `dataset "${dataset.name}" is not in the cache (${file})`;
    throw new PlotlineError(
      `${why}. Pass --allow-download to fetch it (${formatBytes(dataset.bytes)}, checked against its pinned sha256), ` +
        `or pass the path of a local copy with --data`,
      { field: '--data' },
    );
  }
  options.onDownload?.(`downloading dataset "${dataset.name}" (${formatBytes(dataset.bytes)}) into ${file}`);
  try {
    await downloadVerified(dataset.urls, file, { sha256: dataset.sha256, bytes: dataset.bytes, timeoutMs: options.timeoutMs });
  } catch (error) {
    if (!(error instanceof PlotlineError)) throw error;
    throw new PlotlineError(
      `${error.message}\nA copy got elsewhere works too: check it has sha256 ${dataset.sha256} (${dataset.bytes} bytes) and pass its path with --data`,
    );
  }
  return { ...base, downloaded: true };
}

/** True for `spec`s that name a file rather than a dataset: a folder separator or an extension. */
export function looksLikePath(spec: string): boolean {
  return spec.includes('/') || spec.includes('\\') || extname(spec) !== '';
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null)) !== null;
}

function formatBytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} kB`;
}
