/**
 * A scoring worker given a loaded bag (protocol.ts, SharedLinearBag) needs no tfjs: importing tfjs costs
 * a worker about a second of a core, more than scoring 10,000 rows. The worker entry must keep tfjs
 * behind the dynamic import of its other path; this checks, in a fresh process, that the modules it
 * imports statically load no tfjs package.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const worker = fileURLToPath(new URL('../../src/batch/scoring-worker.ts', import.meta.url));

test("the bag path of a scoring worker loads no tfjs (only its other path imports it, dynamically)", () => {
  // The worker's static imports, as written in its source (importing the entry itself would start serving).
  const source = readFileSync(worker, 'utf8');
  const imports = [...source.matchAll(/^import (?!type)[^;]* from '(\.[^']+)';$/gm)].map((m) => new URL(m[1].replace(/\.js$/, '.ts'), new URL(`file://${worker}`)).href);
  assert.ok(imports.length >= 3, `found the worker's imports: ${imports.join(', ')}`);
  assert.match(source, /import\('\.\.\/models\/open-model\.js'\)/, 'openModel (the backend and loading) is imported dynamically');
  const script = `
    for (const m of ${JSON.stringify(imports)}) await import(m);
    const { createRequire } = await import('node:module');
    const cache = createRequire(import.meta.url).cache;
    console.log(JSON.stringify(Object.keys(cache).filter((k) => k.includes('@tensorflow'))));
  `;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout.trim().split('\n').pop()!), [], 'no @tensorflow module was loaded');
});
