/**
 * Crash safety of model folders: a child process saves a model over the one in --out and is killed
 * (SIGKILL, through PLOTLINE_FAULT_AT) at every step of the save in turn. After every kill the folder
 * must load as a complete, verified model: the old one or the new one, never neither. The save that
 * is not killed must leave nothing behind (the debris of the killed ones included).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBackend } from '../../src/engine/backend.js';
import { loadModel } from '../../src/models/storage.js';
import { saveTinyModel } from './fixtures.js';

const CHILD = fileURLToPath(new URL('../helpers/fault-child.ts', import.meta.url));
/** Far more than the steps of one save: the loop ends at the first run that is not killed. */
const MAX_STEPS = 40;
let root = '';

before(async () => {
  await useBackend('wasm');
  root = await mkdtemp(join(tmpdir(), 'plotline-save-crash-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs the child with the fault at `step`; true if it was killed there, false if it finished. */
function runChild(step: number, args: string[]): boolean {
  const child = spawnSync(process.execPath, ['--import', 'tsx', CHILD, ...args], { env: { ...process.env, PLOTLINE_FAULT_AT: String(step) }, encoding: 'utf8' });
  if (child.signal === 'SIGKILL') return true;
  assert.equal(child.status, 0, `the child failed at step ${step}: ${child.stderr}`);
  return false;
}

/** Loads `dir` (checksums, weights, shapes verified) and returns the seed its manifest records. */
async function loadedSeed(dir: string): Promise<number> {
  const { classifier, manifest } = await loadModel(dir);
  await classifier.dispose();
  return manifest.training.seed;
}

async function assertNoDebris(parent: string, dir: string): Promise<void> {
  assert.deepEqual(await readdir(parent), [dir.split('/').pop()], 'no temporary sibling');
  const names = (await readdir(dir)).sort();
  assert.equal(names.length, 2, `manifest.json and one version folder, got ${names.join(", ")}`);
  assert.equal(names[0], 'manifest.json');
  assert.match(names[1], /^v-\d+-[0-9a-f]{8}$/);
}

test('a save killed at any step leaves the complete old model or the complete new one', async () => {
  const parent = join(root, 'single');
  const dir = join(parent, 'model');
  await saveTinyModel(dir, { kind: 'bag', seed: 100 });
  let previous = 100;
  let steps = 0;
  for (let step = 1; step <= MAX_STEPS; step++) {
    const seed = 100 + step;
    const killed = runChild(step, ['save-model', dir, String(seed)]);
    const now = await loadedSeed(dir);
    assert.ok(now === previous || now === seed, `after a kill at step ${step}: the model of seed ${now}, expected ${previous} (old) or ${seed} (new)`);
    previous = now;
    if (!killed) {
      assert.equal(now, seed, 'a save that finished leaves the new model');
      steps = step - 1;
      break;
    }
  }
  assert.ok(steps >= 8, `the save has fault points between its steps (found ${steps})`);
  await assertNoDebris(parent, dir);
});

test('an ensemble save killed at any step leaves the complete old ensemble or the complete new one', async () => {
  const parent = join(root, 'ensemble');
  const [a, b] = [join(root, 'member-a'), join(root, 'member-b')];
  await saveTinyModel(a, { kind: 'bag', seed: 1 });
  await saveTinyModel(b, { kind: 'cnn', seed: 2 });
  const dir = join(parent, 'model');
  assert.equal(runChild(MAX_STEPS + 1, ['save-ensemble', dir, a, b, '200']), false);
  let previous = 200;
  for (let step = 1; step <= MAX_STEPS; step++) {
    const seed = 200 + step;
    const killed = runChild(step, ['save-ensemble', dir, a, b, String(seed)]);
    const now = await loadedSeed(dir);
    assert.ok(now === previous || now === seed, `after a kill at step ${step}: the ensemble of seed ${now}, expected ${previous} or ${seed}`);
    previous = now;
    if (!killed) break;
  }
  assert.notEqual(previous, 200, 'a save finished');
  await assertNoDebris(parent, dir);
});
