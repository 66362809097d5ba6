import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareProgress } from '../../src/cli/progress.js';

test('compare --quiet shows no progress but still writes warnings', () => {
  const written: string[] = [];
  const stream = { isTTY: false, write: (chunk: string) => written.push(chunk) } as unknown as NodeJS.WriteStream;
  const progress = compareProgress({ quiet: true, stream });
  progress.hooks.onModelStart?.('bag', 0, 1);
  progress.hooks.onWarning?.('only 3 validation title(s)');
  progress.stop();
  assert.deepEqual(written, ['warning: only 3 validation title(s)\n']);
});
