/**
 * The on-disk layout every saved model folder shares (from-scratch, encoder + head, ensemble), and how
 * it is written without ever being broken by a crash:
 *
 *   OUT/manifest.json          the model's description; its `files` maps the path (relative to OUT) of
 *                              every other file of the model to its sha256;
 *   OUT/v-<pid>-<hex>/...      the model's data (model.json + weights.bin, or an ensemble's members/),
 *                              one version folder per save.
 *
 * Saving writes a NEW version folder beside the current one (as `.v-….tmp-<pid>-<hex>`, fsynced, then
 * renamed to `v-…`), then replaces manifest.json atomically (temporary file, fsync, rename(2), fsync of
 * OUT): that rename is the commit. Before it, manifest.json names the old version folder, which is
 * untouched; after it, the new one, complete and on disk. Only then are the old version folder (and
 * the flat files of a model saved before this layout) removed. Recovery rule: manifest.json is the
 * truth; any `v-*` folder it does not name, and any `.*.tmp-<pid>-*` entry whose process is dead, is
 * debris of an interrupted save, removed by the next save into the same folder. One save at a time per
 * folder (two concurrent saves into one --out are not supported).
 *
 * Loading hashes every file the manifest lists and refuses a folder where one differs, naming the file.
 * A folder saved before checksums were recorded (no `files`) still loads, from its flat layout.
 */
import { cp, mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { PlotlineError } from '../util/errors.js';
import { sha256File } from '../util/file-hash.js';
import { replaceFileAtomically, syncFolder, syncTree } from '../util/atomic-write.js';
import { faultPoint } from '../util/fault-injection.js';
import { removeStaleTemporaries, writerPid } from '../util/stale-temporaries.js';
import { temporarySibling } from '../util/temporary-path.js';
import { renameDurably } from '../util/atomic-write.js';
import { readJsonFile } from '../util/json-file.js';

export const MANIFEST_FILE = 'manifest.json';
/** Names a model saved before version folders kept at the top of its folder. */
const FLAT_LAYOUT_NAMES = ['model.json', 'weights.bin', 'linear.json', 'linear.bin', 'fields.json', 'members'];

/** manifest.files: relative path (forward slashes, no `..`) -> sha256 (64 lower-case hex digits). */
export const ModelFilesSchema = z.record(
  z.string().regex(/^(?!.*(?:^|\/)\.\.?(?:\/|$))[^/\\\0][^\\\0]*$/, 'a file path inside the model folder'),
  z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex'),
);
export type ModelFiles = z.infer<typeof ModelFilesSchema>;

/**
 * The folder holding a model's data files: the one version folder `files` lists, or `dir` itself for
 * a model saved before checksums (no `files`). Throws a PlotlineError naming manifest.json's `files`
 * when the paths do not share one version folder.
 */
export function modelDataFolder(dir: string, files: ModelFiles | undefined): string {
  if (files === undefined) return dir;
  const tops = new Set(Object.keys(files).map((path) => path.split('/')[0]));
  const paths = Object.keys(files);
  if (tops.size !== 1 || paths.some((p) => !p.includes('/'))) {
    throw new PlotlineError(`lists files outside one version folder (${[...tops].slice(0, 3).join(', ')}); the manifest is corrupt`, { file: join(dir, MANIFEST_FILE), field: 'files' });
  }
  return join(dir, [...tops][0]);
}

/**
 * Hashes every file `files` lists and compares it with the recorded sha256. Throws a PlotlineError
 * naming the first file that is missing or differs. Cost: one read of the model's bytes (~0.3 s for
 * a 100 MB `bag` model).
 */
export async function verifyModelFiles(dir: string, files: ModelFiles | undefined): Promise<void> {
  if (files === undefined) return;
  for (const [path, expected] of Object.entries(files)) {
    const file = join(dir, ...path.split('/'));
    let actual: string;
    try {
      actual = await sha256File(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new PlotlineError(code === 'ENOENT' ? 'missing: the manifest lists it, so the model folder is incomplete' : `cannot read (${code ?? (error as Error).message})`, { file });
    }
    if (actual !== expected) {
      throw new PlotlineError(
        `sha256 ${actual.slice(0, 12)}... differs from the ${expected.slice(0, 12)}... recorded in ${MANIFEST_FILE}: the file was changed or damaged after saving; save or copy the model again`,
        { file },
      );
    }
  }
}

/** sha256 of every file under `dataDir`, keyed by its path relative to `root` with forward slashes. */
async function hashTree(root: string, dataDir: string): Promise<ModelFiles> {
  const files: ModelFiles = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files[relative(root, path).split(sep).join('/')] = await sha256File(path);
    }
  };
  await walk(dataDir);
  return files;
}

/** Removes every version folder (`v-*`) of `dir` but `keep`, and the flat layout's files unless `keep` is empty of a version. */
async function removeVersionFolders(dir: string, keep: (string | null)[]): Promise<void> {
  const flatIsCurrent = keep.every((k) => k === null);
  for (const name of await readdir(dir)) {
    if (keep.includes(name)) continue;
    if (/^v-[0-9]+-[0-9a-f]{8}$/.test(name) || (!flatIsCurrent && FLAT_LAYOUT_NAMES.includes(name))) {
      await rm(join(dir, name), { recursive: true, force: true });
      faultPoint(`removed ${name}`);
    }
  }
}

/** The version folder the manifest in `dir` names, or null (no manifest, a flat-layout or corrupt one). */
async function currentVersion(dir: string): Promise<string | null> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as { files?: unknown };
    const parsed = ModelFilesSchema.safeParse(manifest.files);
    if (!parsed.success) return null;
    const first = Object.keys(parsed.data)[0];
    return first?.includes('/') ? first.split('/')[0] : null;
  } catch {
    return null;
  }
}

/**
 * Copies the saved model folder `from` to `to` (which must not exist): its manifest and the version
 * folder it names (the whole folder for one saved before version folders, minus temporary files), so
 * no debris of an interrupted save is carried along. Used to put an ensemble's members inside it.
 */
export async function copyModelFolder(from: string, to: string): Promise<void> {
  const version = await currentVersion(from);
  if (version === null) {
    await cp(from, to, { recursive: true, dereference: true, filter: (source) => writerPid(source.split(sep).pop() ?? '') === null });
    return;
  }
  await mkdir(to, { recursive: true });
  await cp(join(from, version), join(to, version), { recursive: true, dereference: true });
  await cp(join(from, MANIFEST_FILE), join(to, MANIFEST_FILE), { dereference: true });
}

/**
 * Writes a model folder at `dir` crash-safely (see the file comment). `fill(dataDir)` writes the
 * model's data files into the new, empty version folder; `manifestWith(files)` returns the manifest
 * object to store, given the sha256 of every file written. Throws a PlotlineError when `dir` exists
 * and is not a folder. On failure the new version folder is removed and the old model stays.
 */
export async function writeModelFolder(dir: string, fill: (dataDir: string) => Promise<void>, manifestWith: (files: ModelFiles) => object): Promise<void> {
  const target = resolve(dir);
  const existing = await stat(target).catch(() => null);
  if (existing !== null && !existing.isDirectory()) throw new PlotlineError('exists and is not a folder; choose another output folder', { file: dir });
  await mkdir(dirname(target), { recursive: true });
  await removeStaleTemporaries(dirname(target), (name) => name.startsWith(`.${target.split(sep).pop()}.tmp-`)); // left by earlier Plotline versions
  if (existing === null) {
    await mkdir(target);
    await syncFolder(dirname(target));
  }
  const previous = await currentVersion(target);
  await removeStaleTemporaries(target);
  await removeVersionFolders(target, [previous]);
  faultPoint('cleaned stale temporaries');

  const version = `v-${process.pid}-${randomBytes(4).toString('hex')}`;
  const dataDir = join(target, version);
  const writing = temporarySibling(dataDir);
  await mkdir(writing);
  try {
    faultPoint('created the version folder');
    await fill(writing);
    await syncTree(writing);
    faultPoint('synced the version folder');
    await renameDurably(writing, dataDir);
    const files = await hashTree(target, dataDir);
    await replaceFileAtomically(join(target, MANIFEST_FILE), JSON.stringify(manifestWith(files), null, 2) + '\n');
  } catch (error) {
    await rm(writing, { recursive: true, force: true });
    // A failure after the manifest's rename (fsync of the folder) leaves the new model committed: keep it.
    if ((await currentVersion(target)) !== version) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  faultPoint('committed the manifest');
  // Committed: the version folder the previous manifest named (or the flat layout of a model saved
  // before version folders) goes.
  await removeVersionFolders(target, [version]);
  await syncFolder(target);
}

/**
 * The model folder `path` names: `path` itself when it is a folder, its parent when it is a
 * manifest.json file. Throws a PlotlineError naming `path` when it does not exist, is another file, or
 * cannot be examined (the error code, e.g. EACCES).
 */
export async function resolveModelFolder(path: string): Promise<string> {
  let found;
  try {
    found = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new PlotlineError('no such model folder; expected the folder written by `plotline train --out DIR` (or its manifest.json)', { file: path });
    }
    throw new PlotlineError(`cannot examine the model folder (${code})`, { file: path });
  }
  if (found.isDirectory()) return path;
  if (basename(path) === MANIFEST_FILE) return dirname(path);
  throw new PlotlineError(`is a file, not a model folder; expected the folder written by \`plotline train --out DIR\` (or its ${MANIFEST_FILE})`, { file: path });
}

/** One float32 weight as a weights manifest lists it (tfjs's layers format, `model.json`). */
export interface WeightsEntry {
  name: string;
  shape: number[];
  dtype?: string;
}

/**
 * A model folder's `weights.bin` (tfjs's layers format) as one aligned ArrayBuffer, `expectedBytes`
 * long: what model.json's weights manifest describes.
 * @throws PlotlineError naming the file when it cannot be read or has another size.
 */
export async function readWeightsBin(file: string, expectedBytes: number): Promise<ArrayBuffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    throw new PlotlineError('missing: the model folder is incomplete', { file });
  }
  if (bytes.byteLength !== expectedBytes) throw new PlotlineError(`holds ${bytes.byteLength} bytes, model.json describes ${expectedBytes}: the model folder is corrupt`, { file });
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * Throws a PlotlineError naming `file` and the weight when a float32 weight in `data` (laid out as
 * `specs` say, in order: tfjs's weights.bin format) is NaN or infinite: a NaN bias scores every title
 * `null` and decides the same genre for all of them.
 */
export function checkWeightsFinite(specs: readonly WeightsEntry[], data: ArrayBuffer, file: string): void {
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if ((spec.dtype ?? 'float32') === 'float32') {
      const values = new Float32Array(data, offset, count);
      for (let i = 0; i < count; i++) {
        if (!Number.isFinite(values[i])) {
          throw new PlotlineError(`weight "${spec.name}" holds ${values[i]} at flat index ${i} of shape [${spec.shape.join(', ')}]; weights must be finite numbers: the model is corrupt`, { file });
        }
      }
    }
    offset += count * 4;
  }
}

/** A model folder's JSON file (manifest.json, model.json, fields.json), with errors naming it. */
export function readModelJson(file: string): Promise<unknown> {
  return readJsonFile(file, {
    readError: (code) => (code === 'ENOENT' ? 'missing: is this a Plotline model folder (made by `plotline train --out`)?' : `cannot read (${code})`),
    invalid: (detail) => `is not valid JSON (${detail}); the model folder is corrupt`,
  });
}
