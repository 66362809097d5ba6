/**
 * ONNX Runtime's first session in a process with a long command line (a long description given as an
 * argument) overflowed the main thread's stack inside libonnxruntime (onnxruntime-node 1.30.0, Linux):
 * prepareOnnxRuntime makes the runtime's environment on a worker thread with a stack sized for it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { commandLineBytes, prepareOnnxRuntime } from '../../src/encoders/onnx-runtime-env.js';
import { fixtureFolder } from '../helpers/files.js';

const run = promisify(execFile);
const files = fixtureFolder('onnx-runtime-env');
const linux = process.platform === 'linux';

test('a short command line needs no preparation; the length is read from /proc on Linux', async () => {
  await prepareOnnxRuntime(100); // resolves at once: no worker, no runtime loaded
  if (linux) assert.ok(commandLineBytes() > 0);
});

test('the Universal Sentence Encoder opens and embeds in a process whose command line holds a 40,000-character argument', { skip: linux ? false : 'the crash and /proc/self/cmdline are Linux-specific' }, async () => {
  const script = join(files.dir, 'embed.mts');
  const root = process.cwd();
  writeFileSync(
    script,
    `import { UseOnnxEmbedder } from ${JSON.stringify(join(root, 'src/encoders/use/use-onnx-embedder.ts'))};
     import { locateUseFiles } from ${JSON.stringify(join(root, 'src/encoders/use/use-files.ts'))};
     const embedder = await UseOnnxEmbedder.load((await locateUseFiles()).dir, 1);
     const vectors = await embedder.embed([process.argv[2]]);
     await embedder.dispose();
     console.log(vectors.length, Math.hypot(...vectors).toFixed(3));`,
  );
  const long = 'word '.repeat(8000);
  // Without the preparation this child dies with SIGSEGV (exit 139) before printing anything.
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, long], { cwd: root, maxBuffer: 1 << 20 });
  assert.equal(stdout.trim(), '512 1.000');
});
