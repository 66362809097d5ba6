/**
 * The layer rules of .dependency-cruiser.cjs (README "Architecture"), run as `npm run lint:deps` in CI:
 * src/ keeps them, and the check does fail on what it forbids (an upward import, a sibling import, a
 * cycle made of type-only imports), shown on a small tree planted in a temporary folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const CLI = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

async function cruise(cwd: string): Promise<Violation[]> {
  const { stdout } = await run(process.execPath, [CLI, 'src', '--config', CONFIG, '--output-type', 'json'], { cwd, maxBuffer: 64 << 20 }).catch((error: { stdout?: string }) => {
    if (typeof error.stdout === 'string' && error.stdout.startsWith('{')) return { stdout: error.stdout };
    throw error;
  });
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

test('src/ imports only downwards and has no import cycle', async () => {
  const violations = await cruise(ROOT);
  assert.deepEqual(violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`), []);
});

test('the check fails on an upward import, a sibling import and a type-only cycle', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'plotline-layers-'));
  try {
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src/**/*.ts'] }),
      // util is the bottom layer: a type import from models is upward.
      'src/util/helper.ts': "import type { Thing } from '../models/thing.js';\nexport const size = (t: Thing): number => t.n;\n",
      'src/models/thing.ts': "import { tokens } from '../text/words.js';\nexport interface Thing { n: number }\nexport const count = tokens;\n",
      'src/text/words.ts': "export const tokens = (s: string): string[] => s.split(' ');\n",
      // training and serving are siblings of one layer.
      'src/training/fit.ts': "export const fit = 1;\n",
      'src/serving/app.ts': "import { fit } from '../training/fit.js';\nexport const app = fit;\n",
      // a cycle of type-only imports inside one layer.
      'src/models/a.ts': "import type { B } from './b.js';\nexport interface A { b?: B }\n",
      'src/models/b.ts': "import type { A } from './a.js';\nexport interface B { a?: A }\n",
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const found = (await cruise(dir)).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
    assert.deepEqual(found, [
      'layer-serving: src/serving/app.ts -> src/training/fit.ts',
      'layer-util: src/util/helper.ts -> src/models/thing.ts',
      'no-circular: src/models/a.ts -> src/models/b.ts',
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
