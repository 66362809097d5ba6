/**
 * Runs `plotline predict --input` the way a user does: the built CLI (`dist/cli/main.js`, package.json
 * "bin", compiled by `npm run build`) in a process of its own, timed from before the process starts to
 * after it exits (Node's start-up, module loading, model loading, worker threads, reading, scoring and
 * writing all included). The benches' Plotline batch-scoring rows use this, never the TypeScript
 * sources under tsx, whose worker threads would load through tsx too (slower than what users run).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is bench/built-cli.ts). */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The command users run (package.json "bin"). */
export const BUILT_CLI = join(ROOT, 'dist', 'cli', 'main.js');

/** Latest modification time (ms) of the files under `dir` whose names end in `suffix`. */
function newest(dir: string, suffix: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path, suffix));
    else if (entry.name.endsWith(suffix)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Throws unless dist/ holds a build at least as new as every source file, so a bench never times
 * stale code.
 * @throws Error saying to run `npm run build` when dist/cli/main.js is missing or older than src/.
 */
export function assertFreshBuild(): void {
  if (!existsSync(BUILT_CLI)) throw new Error(`bench: ${BUILT_CLI} is missing: run \`npm run build\` first`);
  const source = newest(join(ROOT, 'src'), '.ts');
  const built = newest(join(ROOT, 'dist'), '.js');
  if (built < source) throw new Error('bench: dist/ is older than src/ (a source file changed since the last build): run `npm run build` first');
}

export interface BuiltPredictRun {
  /** Lines written to the output (one per scored row). */
  rows: number;
  /** Wall seconds from before the process started to after it exited. */
  seconds: number;
  /** User + system CPU seconds of the process, its worker threads included (POSIX `times` of the shell that ran it). */
  cpuSeconds: number | undefined;
}

/**
 * `node dist/cli/main.js predict --model MODEL --input INPUT --output OUTPUT --workers N --scores S
 * --quiet`, timed end to end.
 * @throws Error with the command's stderr when it exits non-zero, or when the build is missing or stale.
 */
export function runBuiltPredict(options: { model: string; input: string; output: string; workers: number; scores: string }): BuiltPredictRun {
  assertFreshBuild();
  const args = [BUILT_CLI, 'predict', '--model', options.model, '--input', options.input, '--output', options.output, '--workers', String(options.workers), '--scores', options.scores, '--quiet'];
  const started = performance.now();
  // The shell's `times` prints its own and then its children's user and system times: the CLI's CPU time.
  const result = spawnSync('sh', ['-c', '"$@" || exit $?; times', 'sh', process.execPath, ...args], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`bench: plotline predict --input failed (exit ${result.status ?? result.signal}): ${(result.stderr ?? '').trim() || result.error?.message}`);
  const times = [...(result.stdout.trim().split('\n').slice(-1)[0] ?? '').matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  const written = readFileSync(options.output);
  let rows = 0;
  for (let at = written.indexOf(10); at !== -1; at = written.indexOf(10, at + 1)) rows += 1;
  return { rows, seconds, cpuSeconds: times.length === 2 ? times[0] + times[1] : undefined };
}
