/**
 * The peers `npm run bench` measures beside Plotline in the same run: fastText (Debian's `fasttext`, the
 * command-line tool) and scikit-learn (Debian's `python3-sklearn`, else pip). Both are installed when
 * missing and the bench runs as root with apt-get (or pip) at hand; otherwise each is skipped with a
 * message saying why and how to install it.
 *
 * Every peer sees the same train / validation / test rows as Plotline (written here to a work folder),
 * tunes one global threshold on validation, is scored on test, and scores the same catalogue file that
 * `plotline predict --input` scores.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokenize } from '../src/text/tokenizer.js';
import { tuneGlobalThreshold } from '../src/evaluation/thresholds.js';
import { evaluateScores } from '../src/evaluation/evaluate-scores.js';

/** One labelled fold: texts and multi-hot targets (n x genres, row-major). */
export interface PeerFold {
  texts: readonly string[];
  targets: Float32Array;
}

export interface PeerResult {
  name: string;
  /** Why the peer did not run, or null when it did. */
  skipped: string | null;
  trainSeconds?: number;
  /** CPU seconds (user + system) spent training, where measured. */
  trainCpuSeconds?: number;
  microF1?: number;
  macroF1?: number;
  /** Model file(s) on disk, bytes: the full model, and a quantised one when the peer has it. */
  sizeBytes?: number;
  quantisedBytes?: number;
  quantisedMicroF1?: number;
  /** Catalogue descriptions per second, end to end (read, featurise, score, write). */
  perSecond?: number;
  note?: string;
}

function run(command: string, args: string[], options: { input?: string } = {}): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', input: options.input, maxBuffer: 1 << 30 });
  return { ok: result.status === 0, stdout: result.stdout ?? '', stderr: (result.stderr ?? '') + (result.error?.message ?? '') };
}

/** apt-get install, only as root (the bench never asks for a password). Returns why it could not, or null. */
function aptInstall(pkg: string): string | null {
  if (process.getuid?.() !== 0) return `not root, so not installing it: run \`apt-get install ${pkg}\``;
  if (!run('apt-get', ['--version']).ok) return `no apt-get here: install Debian's ${pkg} or its equivalent`;
  process.stderr.write(`  installing Debian's ${pkg} (apt-get install -y ${pkg}) ...\n`);
  const result = run('apt-get', ['install', '-y', '--no-install-recommends', pkg]);
  return result.ok ? null : `apt-get install ${pkg} failed: ${result.stderr.trim().split('\n').slice(-1)[0]}`;
}

/** The fastText binary, installing Debian's `fasttext` if missing; or the reason it is unavailable. */
export function findFastText(): { command: string } | { skipped: string } {
  if (run('fasttext', []).stdout.includes('usage') || run('fasttext', []).stderr.includes('usage')) return { command: 'fasttext' };
  const failed = aptInstall('fasttext');
  if (failed !== null) return { skipped: `fastText not found (${failed})` };
  return run('fasttext', []).stdout.includes('usage') ? { command: 'fasttext' } : { skipped: 'fastText still not on PATH after apt-get install fasttext' };
}

/** A Python with scikit-learn: python3 as found, else Debian's python3-sklearn, else pip; or why not. */
export function findSklearnPython(): { command: string } | { skipped: string } {
  const has = (python: string): boolean => run(python, ['-c', 'import sklearn, numpy']).ok;
  if (has('python3')) return { command: 'python3' };
  const failed = aptInstall('python3-sklearn');
  if (failed === null && has('/usr/bin/python3')) return { command: '/usr/bin/python3' };
  if (run('python3', ['-m', 'pip', '--version']).ok) {
    process.stderr.write('  installing scikit-learn with pip (python3 -m pip install --user scikit-learn) ...\n');
    run('python3', ['-m', 'pip', 'install', '--user', '--quiet', 'scikit-learn']);
    if (has('python3')) return { command: 'python3' };
  }
  return { skipped: `scikit-learn not available (${failed ?? 'python3-sklearn installed but not importable'}; pip missing or failed)` };
}

const labelsOf = (targets: Float32Array, row: number, k: number): number[] => {
  const labels: number[] = [];
  for (let g = 0; g < k; g++) if (targets[row * k + g] > 0) labels.push(g);
  return labels;
};

/** Writes the folds as JSON Lines ({text, labels}) and fastText files (`__label__N tokens...`). */
export function writePeerInputs(work: string, folds: Record<'train' | 'validation' | 'test', PeerFold>, k: number): void {
  for (const [name, fold] of Object.entries(folds)) {
    const jsonl: string[] = [];
    const fastText: string[] = [];
    fold.texts.forEach((text, i) => {
      const labels = labelsOf(fold.targets, i, k);
      jsonl.push(JSON.stringify({ text, labels }));
      fastText.push(`${labels.map((g) => `__label__${g}`).join(' ')} ${tokenize(text).join(' ')}`);
    });
    writeFileSync(join(work, `${name}.jsonl`), jsonl.join('\n') + '\n');
    writeFileSync(join(work, `${name}.txt`), fastText.join('\n') + '\n');
  }
}

/** fastText's `predict-prob -1` output -> n x k probabilities. */
function parseProbabilities(output: string, n: number, k: number): Float32Array {
  const scores = new Float32Array(n * k);
  const lines = output.split('\n').filter((l) => l !== '');
  if (lines.length !== n) throw new Error(`fasttext predict-prob gave ${lines.length} lines for ${n} texts`);
  lines.forEach((line, row) => {
    const parts = line.split(' ');
    for (let i = 0; i + 1 < parts.length; i += 2) scores[row * k + Number(parts[i].slice('__label__'.length))] = Number(parts[i + 1]);
  });
  return scores;
}

/** fastText's settings: one-vs-all loss, word bigrams, one thread (deterministic), as in the issue. */
export const FASTTEXT_ARGS = ['-loss', 'ova', '-wordNgrams', '2', '-thread', '1', '-dim', '100', '-bucket', '200000', '-epoch', '25', '-lr', '0.5', '-seed', '42', '-verbose', '0'];

/**
 * Trains fastText on the train fold, tunes a global threshold on validation, scores test, quantises
 * (`fasttext quantize -qnorm`, the .ftz), and times `predict-prob` over `catalogueText` (one tokenised
 * description per line) end to end, the process start and output included.
 */
export function runFastText(command: string, work: string, folds: Record<'validation' | 'test', PeerFold>, k: number, catalogueText: string): PeerResult {
  const model = join(work, 'fasttext-model');
  const started = performance.now();
  // POSIX `times` prints the shell's and then its children's user and system times: fastText's CPU time.
  const timed = execFileSync('sh', ['-c', '"$@" >/dev/null 2>&1; times', 'sh', command, 'supervised', '-input', join(work, 'train.txt'), '-output', model, ...FASTTEXT_ARGS], { encoding: 'utf8' });
  const trainSeconds = (performance.now() - started) / 1000;
  if (!existsSync(`${model}.bin`)) throw new Error(`fasttext supervised wrote no ${model}.bin`);
  const evaluate = (file: string) => {
    const probabilities = (fold: 'validation' | 'test') =>
      parseProbabilities(execFileSync(command, ['predict-prob', file, join(work, `${fold}.txt`), '-1'], { encoding: 'utf8', maxBuffer: 1 << 28 }), folds[fold].texts.length, k);
    const threshold = tuneGlobalThreshold(folds.validation.targets, probabilities('validation'), k).threshold;
    return evaluateScores(folds.test.targets, probabilities('test'), Array.from({ length: k }, (_, g) => String(g)), threshold, 42).tuned;
  };
  const full = evaluate(`${model}.bin`);
  execFileSync(command, ['quantize', '-input', join(work, 'train.txt'), '-output', model, '-qnorm'], { stdio: 'pipe' });
  const quantised = evaluate(`${model}.ftz`);
  const catalogue = join(work, 'catalogue.txt');
  writeFileSync(catalogue, catalogueText);
  const rows = catalogueText.split('\n').filter((l) => l !== '').length;
  const predictStarted = performance.now();
  execFileSync('sh', ['-c', `"$0" predict-prob "$1" "$2" -1 0.5 > "$3"`, command, `${model}.bin`, catalogue, join(work, 'fasttext-out.txt')]);
  const perSecond = rows / ((performance.now() - predictStarted) / 1000);
  return {
    name: 'fastText 0.9 (ova, bigrams, 1 thread)',
    skipped: null,
    trainSeconds,
    trainCpuSeconds: childCpuSeconds(timed),
    microF1: full.microF1,
    macroF1: full.macroF1,
    sizeBytes: statSync(`${model}.bin`).size,
    quantisedBytes: statSync(`${model}.ftz`).size,
    quantisedMicroF1: quantised.microF1,
    perSecond,
    note: 'predict-prob, labels over 0.5, tokenised text in, text out',
  };
}

/** The children's user + system seconds from `times` output ("0m0.01s 0m0.00s" lines; the second is the children's). */
function childCpuSeconds(timesOutput: string): number | undefined {
  const line = timesOutput.trim().split('\n').slice(-1)[0];
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return parts.length === 2 ? parts[0] + parts[1] : undefined;
}

/** Runs bench/peers/sklearn_peer.py on the files writePeerInputs and the catalogue CSV left in `work`. */
export function runSklearn(python: string, work: string, k: number): PeerResult {
  const script = fileURLToPath(new URL('./peers/sklearn_peer.py', import.meta.url));
  if (!existsSync(join(work, 'catalogue.csv'))) throw new Error(`runSklearn: ${join(work, 'catalogue.csv')} is missing`);
  const result = run(python, [script, work, String(k)]);
  if (!result.ok) return { name: 'scikit-learn', skipped: `sklearn_peer.py failed: ${result.stderr.trim().split('\n').slice(-1)[0]}` };
  const r = JSON.parse(result.stdout.trim().split('\n').slice(-1)[0]) as { trainSeconds: number; trainCpuSeconds: number; microF1: number; macroF1: number; sizeBytes: number; perSecond: number; modelOnlyPerSecond: number };
  const version = run(python, ['-c', 'import sklearn; print(sklearn.__version__)']).stdout.trim();
  return {
    name: `scikit-learn ${version} (word 1-2 TF-IDF + LinearSVC)`,
    skipped: null,
    trainSeconds: r.trainSeconds,
    trainCpuSeconds: r.trainCpuSeconds,
    microF1: r.microF1,
    macroF1: r.macroF1,
    sizeBytes: r.sizeBytes,
    perSecond: r.perSecond,
    note: `pickled pipeline; CSV in, JSON Lines of genres out (transform + decision_function alone: ${Math.round(r.modelOnlyPerSecond).toLocaleString('en')}/s)`,
  };
}

/** The catalogue file both `plotline predict --input` and the peers score: `rows` descriptions, cycled. */
export function writeCatalogue(work: string, descriptions: readonly string[], rows: number): { csv: string; fastText: string } {
  const csv = ['id,description'];
  const fastText: string[] = [];
  for (let i = 0; i < rows; i++) {
    const text = descriptions[i % descriptions.length];
    csv.push(`${i + 1},"${text.replaceAll('"', '""')}"`);
    fastText.push(tokenize(text).join(' '));
  }
  const file = join(work, 'catalogue.csv');
  writeFileSync(file, csv.join('\n') + '\n');
  return { csv: file, fastText: fastText.join('\n') + '\n' };
}


