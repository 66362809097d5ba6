/**
 * Hugging Face hub ids (`sentence-transformers/all-MiniLM-L6-v2`) as encoder sources. Plotline never
 * downloads unless asked (`--allow-download`): a model that appears from the network on a CI machine
 * is a model nobody checked. When asked, it fetches exactly the files encoder-folder.ts reads (the
 * library's own download would skip the sentence-transformers files that decide pooling and
 * normalisation) into `<cacheDir>/<owner>/<name>/`, the same layout as a local folder, and from then
 * on that folder is opened like any other, with or without `--allow-download`.
 *
 * Files already in the cache are not fetched again; delete the model's cache folder to refresh it.
 * Requests go to the `@huggingface/transformers` `env.remoteHost` (so a mirror configured there is
 * used) through its `env.fetch`, with `HF_TOKEN` as a bearer token when set.
 */
import { env } from '@huggingface/transformers';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PlotlineError } from '../../util/errors.js';
import { temporarySibling } from '../../util/temporary-path.js';
import { defaultCacheDir } from '../cache-dir.js';
import { MODEL_FILE, QUANTIZED_MODEL_FILE } from './encoder-folder.js';

/** `owner/name` or `name`, as the hub spells repository ids; no `..`, so it never escapes the cache. */
const HUB_ID = /^(?:[A-Za-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]*$/;

export function isHubId(spec: string): boolean {
  return HUB_ID.test(spec) && !spec.includes('..') && spec.length <= 200;
}

/** `<Plotline's cache folder>/hub` (see encoders/cache-dir.ts): outside the repository and node_modules. */
export function defaultHubCacheDir(): string {
  return path.join(defaultCacheDir(), 'hub');
}

/** Where `id`'s files are (or would be) cached. */
export function hubCacheFolder(id: string, cacheDir: string): string {
  return path.join(path.resolve(cacheDir), ...id.split('/'));
}

const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
const SENTENCE_TRANSFORMERS_FILES = ['modules.json', 'sentence_bert_config.json'];

/** Fetches what `id` needs into its cache folder and returns that folder. */
export async function downloadHubModel(id: string, cacheDir: string): Promise<string> {
  const folder = hubCacheFolder(id, cacheDir);
  for (const file of REQUIRED_FILES) {
    if (!(await fetchToCache(id, file, folder))) throw notOnHub(id, file);
  }
  for (const file of SENTENCE_TRANSFORMERS_FILES) await fetchToCache(id, file, folder);
  await fetchToCache(id, await poolingConfigPath(folder), folder);
  if (!(await fetchToCache(id, MODEL_FILE, folder)) && !(await fetchToCache(id, QUANTIZED_MODEL_FILE, folder))) {
    throw notOnHub(id, `${MODEL_FILE} or ${QUANTIZED_MODEL_FILE}`);
  }
  return folder;
}

/** The Pooling module's config as modules.json places it (default `1_Pooling/`). */
async function poolingConfigPath(folder: string): Promise<string> {
  try {
    const modules = JSON.parse(await readFile(path.join(folder, 'modules.json'), 'utf8')) as unknown;
    if (Array.isArray(modules)) {
      for (const module of modules as { type?: unknown; path?: unknown }[]) {
        if (module.type === 'sentence_transformers.models.Pooling' && typeof module.path === 'string') {
          const dir = module.path.replace(/\/+$/, '');
          if (!dir.split('/').includes('..')) return dir === '' ? 'config.json' : `${dir}/config.json`;
        }
      }
    }
  } catch {
    // No or unreadable modules.json: encoder-folder.ts reports it when the folder is opened.
  }
  return '1_Pooling/config.json';
}

/** True when `file` is in the cache (already, or now); false when the hub has no such file. */
async function fetchToCache(id: string, file: string, folder: string): Promise<boolean> {
  const target = path.join(folder, ...file.split('/'));
  if ((await stat(target).catch(() => undefined))?.isFile()) return true;
  const url = fileUrl(id, file);
  const headers: Record<string, string> = {};
  if (process.env.HF_TOKEN) headers.Authorization = `Bearer ${process.env.HF_TOKEN}`;
  let response: Response;
  try {
    response = (await env.fetch(url, { headers })) as Response;
  } catch (err) {
    throw new PlotlineError(`cannot download ${file} of "${id}" from ${url}: ${(err as Error).message}`);
  }
  if (response.status === 404) return false;
  if (!response.ok) {
    const hint = response.status === 401 || response.status === 403 ? ' (a private or gated model needs HF_TOKEN)' : '';
    throw new PlotlineError(`cannot download ${file} of "${id}": HTTP ${response.status} from ${url}${hint}`);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = temporarySibling(target);
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, target);
  } finally {
    await rm(temporary, { force: true });
  }
  return true;
}

function fileUrl(id: string, file: string): string {
  const host = env.remoteHost.endsWith('/') ? env.remoteHost : `${env.remoteHost}/`;
  const template = env.remotePathTemplate.replaceAll('{model}', id).replaceAll('{revision}', 'main');
  return new URL(`${template.replace(/^\/+/, '').replace(/\/*$/, '/')}${file}`, host).href;
}

function notOnHub(id: string, file: string): PlotlineError {
  return new PlotlineError(`"${id}" on the hub has no ${file}: Plotline needs a model with an ONNX export (an onnx/ folder)`);
}
