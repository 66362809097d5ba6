import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KIND_LOADERS, scoresWithoutBackend } from '../../src/models/kind-loaders.js';
import { KIND_FAMILIES } from '../../src/models/kind-families.js';
import { KINDS, KIND_NAMES } from '../../src/models/kinds.js';
import { saveTinyModel } from './fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Packages a saved bag never needs to be opened and scored. */
const HEAVY = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', 'onnxruntime-node', 'onnxruntime-common', '@huggingface/transformers', 'vega', 'vega-lite'];

test('the loader table, the family table and the full registry name the same kinds, with the same families', () => {
  assert.deepEqual(Object.keys(KIND_LOADERS), KIND_NAMES);
  assert.deepEqual(Object.keys(KIND_FAMILIES), KIND_NAMES);
  for (const name of KIND_NAMES) {
    const kind = KINDS[name as keyof typeof KINDS];
    const info: { family: string; encoderType?: string } = KIND_FAMILIES[name as keyof typeof KIND_FAMILIES];
    assert.equal(info.family, kind.family, name);
    assert.equal(info.encoderType, 'encoderType' in kind ? kind.encoderType : undefined, name);
  }
});

test('scoresWithoutBackend: a bag in its collapsed form (linear.bin), and the encoder + head kinds', () => {
  const files = (...names: string[]) => Object.fromEntries(names.map((n) => [n, 'ab'.repeat(32)]));
  assert.equal(scoresWithoutBackend({ kind: 'bag', files: files('v-1-ab/linear.json', 'v-1-ab/linear.bin') }), true);
  assert.equal(scoresWithoutBackend({ kind: 'bag', files: files('v-1-ab/linear.json', 'v-1-ab/linear.bin', 'v-1-ab/fields.json') }), true);
  assert.equal(scoresWithoutBackend({ kind: 'bag', files: files('v-1-ab/model.json', 'v-1-ab/weights.bin') }), false, 'a bag saved as its tfjs network');
  assert.equal(scoresWithoutBackend({ kind: 'cnn', files: files('v-1-ab/model.json', 'v-1-ab/weights.bin') }), false);
  assert.equal(scoresWithoutBackend({ kind: 'ensemble', files: {} }), false);
  assert.equal(scoresWithoutBackend({ kind: 'use', files: files('v-1-ab/model.json', 'v-1-ab/weights.bin') }), true);
  assert.equal(scoresWithoutBackend({ kind: 'onnx', files: files('v-1-ab/model.json', 'v-1-ab/weights.bin', 'v-1-ab/fields.json') }), true);
});

/**
 * Runs `plotline ARGS` (the CLI's TypeScript entry under tsx) in a process of its own and returns its
 * standard output and every module it loaded: the ES modules (a module.register load hook writes each URL) and the
 * CommonJS ones (require.cache at exit; tfjs and ONNX Runtime are CommonJS packages that require their
 * parts). Only the main thread is traced: a bag's scoring threads take it from the main thread and
 * import no model code (batch/scoring-worker.ts).
 */
async function modulesLoadedBy(work: string, args: string[]): Promise<{ stdout: string; modules: string[] }> {
  const trace = await writeTrace(work);
  const run = spawnSync(process.execPath, [...trace.execArgv, join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...trace.env } });
  assert.equal(run.status, 0, run.stderr);
  return { stdout: run.stdout, modules: await trace.modules() };
}

/**
 * The main-thread trace of modulesLoadedBy: the node options and environment that record every module
 * loaded, and a reader of the lists once the process has exited.
 */
async function writeTrace(work: string): Promise<{ execArgv: string[]; env: Record<string, string>; modules(): Promise<string[]> }> {
  const esmList = join(work, 'esm.txt');
  const cjsList = join(work, 'cjs.txt');
  await rm(esmList, { force: true });
  await rm(cjsList, { force: true });
  await writeFile(join(work, 'hooks.mjs'), "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(process.env.LOADED_ESM, url + '\\n'); return next(url, context); }\n");
  await writeFile(
    join(work, 'trace.mjs'),
    "import { register, createRequire } from 'node:module';\nimport { writeFileSync } from 'node:fs';\nregister('./hooks.mjs', import.meta.url);\nconst require = createRequire(import.meta.url);\nprocess.on('exit', () => writeFileSync(process.env.LOADED_CJS, Object.keys(require.cache).join('\\n')));\n",
  );
  return {
    execArgv: ['--import', 'tsx', '--import', join(work, 'trace.mjs')],
    env: { LOADED_ESM: esmList, LOADED_CJS: cjsList },
    modules: async () => [...(await readFile(esmList, 'utf8')).split('\n'), ...(await readFile(cjsList, 'utf8')).split('\n')].filter((line) => line !== ''),
  };
}

/**
 * `plotline serve --model MODEL --port 0` (one scoring thread, the default): waits until it listens,
 * sends one POST /v1/predict (which must answer 200 with one prediction), stops it with SIGTERM (it must
 * exit 0), and returns the modules loaded by every thread. The main thread as modulesLoadedBy traces
 * it; the scoring thread, where the model is opened, gets no loader hooks (under tsx on Node 20 it runs
 * its modules as CommonJS), so its loads are read from Node's own module debug log (NODE_DEBUG=module,
 * one `load "FILE"` line on stderr per CommonJS module loaded, by any thread; ES modules' CommonJS
 * dependencies included).
 */
async function modulesLoadedByServe(work: string, model: string): Promise<string[]> {
  const trace = await writeTrace(work);
  const server = spawn(process.execPath, [...trace.execArgv, join(ROOT, 'src/cli/main.ts'), 'serve', '--model', model, '--port', '0', '--host', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, ...trace.env, NODE_DEBUG: 'module' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  server.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  server.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(server, 'exit') as Promise<[number | null, string | null]>;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not listen within 60 s: ${stdout}`)), 60_000);
      server.stdout.on('data', () => {
        const match = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
        if (match !== null) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      void exited.then(([code]) => {
        clearTimeout(timer);
        reject(new Error(`serve exited (${code}) before listening: ${stderr.split('\n').filter((l) => !l.startsWith('MODULE')).join('\n')}`));
      });
    });
    // The route answers 503 not_ready until the scoring thread has opened the model.
    let answer: Response;
    for (let tries = 0; ; tries++) {
      answer = await fetch(`http://127.0.0.1:${port}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'A detective hunts a killer.' }) });
      if (answer.status !== 503 || tries >= 600) break;
      await answer.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const body = await answer.text();
    assert.equal(answer.status, 200, body);
    assert.equal((JSON.parse(body) as { predictions: unknown[] }).predictions.length, 1);
  } finally {
    server.kill('SIGTERM');
  }
  const [code] = await exited;
  assert.equal(code, 0, 'serve exits 0 on SIGTERM');
  const debugLoads = [...stderr.matchAll(/^MODULE \d+: load "([^"]+)"/gm)].map((m) => m[1]);
  return [...(await trace.modules()), ...debugLoads];
}

/** `plotline export` of `model` to ONNX: the modules loaded (and the graph and side file checked written). */
async function modulesLoadedByExport(work: string, model: string): Promise<string[]> {
  const out = join(work, 'model.onnx');
  await rm(out, { force: true });
  const { stdout, modules } = await modulesLoadedBy(work, ['export', '--model', model, '--format', 'onnx', '--out', out, '--json']);
  const result = JSON.parse(stdout) as { onnx: string; bytes: number };
  assert.equal(result.onnx, out);
  assert.equal((await readFile(out)).length, result.bytes);
  assert.equal((JSON.parse(await readFile(`${out}.json`, 'utf8')) as { format: string }).format, 'plotline-onnx');
  return modules;
}

/** `predict --input` on a 3-row CSV with `workers`: the modules loaded (and the output checked). */
async function modulesLoadedByPredict(work: string, model: string, workers: number): Promise<string[]> {
  const input = join(work, 'titles.csv');
  await writeFile(input, 'id,description\n1,A detective hunts a killer in 1970s Seoul.\n2,"Two friends fall in love in Paris, then in Rome."\n3,A family drama about an old house.\n');
  const output = join(work, `out-${workers}.jsonl`);
  const { modules } = await modulesLoadedBy(work, ['predict', '--model', model, '--input', input, '--output', output, '--workers', String(workers), '--quiet']);
  assert.equal((await readFile(output, 'utf8')).trim().split('\n').length, 3, 'one prediction per row');
  return modules;
}

/** The HEAVY packages among `modules` (file paths or URLs). */
function heavyPackages(modules: readonly string[]): string[] {
  return HEAVY.filter((name) => modules.some((m) => m.includes(`/node_modules/${name}/`)));
}

test('predict (--input with 1 and 2 workers, and texts), explain, serve and export with a saved bag import neither tfjs, its wasm backend, ONNX Runtime nor vega; a cnn does import tfjs', async () => {
  const work = await mkdtemp(join(tmpdir(), 'plotline-kind-loaders-'));
  try {
    const bag = join(work, 'bag');
    await saveTinyModel(bag, { kind: 'bag' });
    for (const workers of [1, 2]) {
      const modules = await modulesLoadedByPredict(work, bag, workers);
      // The trace saw the bag's own code, so an empty list below means not loaded, not not traced.
      assert.ok(modules.some((m) => m.includes('/src/models/bag/linear-bag-model.ts')), `the trace lists the bag's scorer (${workers} workers)`);
      assert.deepEqual(heavyPackages(modules), [], `${workers} workers`);
    }
    // Texts as arguments, and explain: no backend is started for a bag either.
    for (const args of [['predict', '--model', bag, '--json', 'A detective hunts a killer.'], ['explain', '--model', bag, '--json', 'A detective hunts a killer.']]) {
      const { stdout, modules } = await modulesLoadedBy(work, args);
      assert.ok(JSON.parse(stdout), `${args[0]} answered`);
      assert.deepEqual(heavyPackages(modules), [], args[0]);
    }
    // serve (the model opened on its scoring thread) and export: no tfjs for a bag either.
    const served = await modulesLoadedByServe(work, bag);
    assert.ok(served.some((m) => m.includes('/src/models/bag/linear-bag-model.ts')), 'the trace lists the bag\'s scorer (serve)');
    assert.deepEqual(heavyPackages(served), [], 'serve');
    const exported = await modulesLoadedByExport(work, bag);
    assert.ok(exported.some((m) => m.includes('/src/export/bag-onnx.ts')), 'the trace lists the bag\'s graph (export)');
    assert.deepEqual(heavyPackages(exported), [], 'export');
    // The same traces on a model that needs tfjs find it: the checks above can fail.
    const cnn = join(work, 'cnn');
    await saveTinyModel(cnn, { kind: 'cnn' });
    assert.ok(heavyPackages(await modulesLoadedByPredict(work, cnn, 1)).includes('@tensorflow/tfjs-core'), 'predict, cnn');
    assert.ok(heavyPackages(await modulesLoadedByServe(work, cnn)).includes('@tensorflow/tfjs-core'), 'serve, cnn');
    assert.ok(heavyPackages(await modulesLoadedByExport(work, cnn)).includes('@tensorflow/tfjs-core'), 'export, cnn');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

test('predict --input, serve and export with a saved bag that reads catalogue fields (train\'s default) import no tfjs either', async () => {
  const { addCatalogue } = await import('../../src/training/train-catalogue.js');
  const { saveModel } = await import('../../src/models/storage.js');
  const { GENRES, TEXTS, tinyClassifier, tinyManifestFields } = await import('./fixtures.js');
  const work = await mkdtemp(join(tmpdir(), 'plotline-kind-loaders-fields-'));
  try {
    const fields = TEXTS.map((_, i) => ({ type: i % 2 === 0 ? 'TV Show' : 'Movie', country: i < 3 ? 'India' : 'France' }));
    const lists = TEXTS.map((_, i) => [GENRES[i % GENRES.length]]);
    const targets = Float32Array.from(lists.flatMap((list) => GENRES.map((g) => (list.includes(g) ? 1 : 0))));
    const text = tinyClassifier('bag', 3);
    const result = addCatalogue(text, await text.score(TEXTS), { fields, targets, genres: lists }, { fields, targets }, { fields: ['type', 'country'], familyField: 'type', rules: true, seed: 5, fieldModel: { epochs: 5, patience: 5 } });
    const section = { columns: { text: 'description', labels: 'listed_in', id: 'show_id', labelSeparator: ',' as const }, fields: ['type', 'country'], rules: result.rules, fusion: result.fusion };
    const model = join(work, 'bag-fields');
    await saveModel(text, { ...tinyManifestFields('bag', 3), catalogue: section }, model, result.model);
    text.dispose();
    for (const workers of [1, 2]) {
      const modules = await modulesLoadedByPredict(work, model, workers);
      assert.ok(modules.some((m) => m.includes('/src/models/fields/catalogue-model.ts') || workers === 2), 'the trace lists the field model (main thread, 1 worker)');
      assert.deepEqual(heavyPackages(modules), [], `${workers} workers`);
    }
    const served = await modulesLoadedByServe(work, model);
    assert.ok(served.some((m) => m.includes('/src/models/fields/catalogue-model.ts')), 'the trace lists the field model (serve)');
    assert.deepEqual(heavyPackages(served), [], 'serve');
    const exported = await modulesLoadedByExport(work, model);
    assert.ok(exported.some((m) => m.includes('/src/export/fusion-onnx.ts')), 'the trace lists the field fusion graph (export)');
    assert.deepEqual(heavyPackages(exported), [], 'export');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

test('predict (--input and texts), explain, serve and export with a saved `use` model import neither tfjs nor its wasm backend; the encoder runs in ONNX Runtime', async () => {
  const { useBackend } = await import('../../src/engine/backend.js');
  const { saveModel } = await import('../../src/models/storage.js');
  const { buildHead } = await import('../../src/models/encoder-head/head.js');
  const { NetworkHead } = await import('../../src/models/encoder-head/network-head.js');
  const { EncoderHeadClassifier } = await import('../../src/models/encoder-head/encoder-head-classifier.js');
  const { openUseEncoder } = await import('../../src/encoders/use/use-encoder.js');
  const { GENRES, tinyManifestFields } = await import('./fixtures.js');
  const work = await mkdtemp(join(tmpdir(), 'plotline-kind-loaders-use-'));
  try {
    await useBackend('wasm');
    const config = { hidden: [16], dropout: 0.5, l2: 0 };
    const head = new EncoderHeadClassifier(await openUseEncoder({ threads: 1 }), new NetworkHead(buildHead(config, 512, GENRES.length, 7)), GENRES, { global: 0.5, perGenre: null, mode: 'global' });
    const model = join(work, 'use');
    await saveModel(head, { ...tinyManifestFields('use', 7), config }, model);
    await head.dispose();
    const tfjsFree = (modules: readonly string[]) => heavyPackages(modules).filter((name) => name.startsWith('@tensorflow/'));
    const input = join(work, 'titles.csv');
    await writeFile(input, 'id,description\n1,A detective hunts a killer in 1970s Seoul.\n2,"Two friends fall in love in Paris, then in Rome."\n3,A family drama about an old house.\n');
    const output = join(work, 'out.jsonl');
    // --no-cache: every text goes through the encoder, so ONNX Runtime must be among the modules (the trace sees it).
    const predicted = await modulesLoadedBy(work, ['predict', '--model', model, '--input', input, '--output', output, '--no-cache', '--quiet']);
    assert.equal((await readFile(output, 'utf8')).trim().split('\n').length, 3, 'one prediction per row');
    assert.ok(predicted.modules.some((m) => m.includes('/src/models/encoder-head/dense-head.ts')), 'the trace lists the head read without tfjs');
    assert.ok(heavyPackages(predicted.modules).includes('onnxruntime-node'), 'the encoder ran in ONNX Runtime');
    assert.deepEqual(tfjsFree(predicted.modules), [], 'predict --input');
    for (const args of [['predict', '--model', model, '--no-cache', '--json', 'A detective hunts a killer.'], ['explain', '--model', model, '--json', 'A detective hunts a killer.']]) {
      const { stdout, modules } = await modulesLoadedBy(work, args);
      assert.ok(JSON.parse(stdout), `${args[0]} answered`);
      assert.deepEqual(tfjsFree(modules), [], args[0]);
    }
    assert.deepEqual(tfjsFree(await modulesLoadedByServe(work, model)), [], 'serve');
    const exported = await modulesLoadedByExport(work, model);
    assert.ok(exported.some((m) => m.includes('/src/export/head-onnx.ts')), 'the trace lists the head graph (export)');
    assert.deepEqual(tfjsFree(exported), [], 'export');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
