import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command, CommanderError } from 'commander';
import { UsageError, configureUsage, errorText } from '../../src/cli/usage.js';
import { integer } from '../../src/cli/options.js';
import { PlotlineError } from '../../src/util/errors.js';

/** A two-command program shaped like plotline's, with its error output captured. */
function program(): { program: Command; err: string[] } {
  const err: string[] = [];
  const p = new Command().name('plotline').exitOverride();
  p.command('predict').requiredOption('--model <dir>', 'model folder').option('--top-k <n>', 'most likely genres', integer(1)).action(() => {});
  p.command('train').requiredOption('--out <dir>', 'folder to write').option('--seed <n>', 'seed', integer(0), 42).action(() => {});
  configureUsage(p, (text) => err.push(text));
  return { program: p, err };
}

async function usageError(args: string[]): Promise<string> {
  const { program: p, err } = program();
  await assert.rejects(p.parseAsync(['node', 'plotline', ...args]), CommanderError);
  return err.join('');
}

test('a usage error prints the error and a one-line hint naming the command, not the whole help', async () => {
  const missing = await usageError(['train']);
  assert.equal(missing, "error: required option '--out <dir>' not specified\n(see plotline train --help)\n");
  const blank = await usageError(['predict', '--model', 'm', '--top-k', ' ']);
  assert.match(blank, /^error: option '--top-k <n>' argument ' ' is invalid\. expected a whole number >= 1, got " "\n\(see plotline predict --help\)\n$/);
  const unknown = await usageError(['predict', '--model', 'm', '--topk', '2']);
  assert.match(unknown, /^error: unknown option '--topk'\n\(Did you mean --top-k\?\)\n\(see plotline predict --help\)\n$/);
  assert.doesNotMatch(unknown + missing + blank, /Usage:|Options:/);
});

test('help marks required options', () => {
  const { program: p } = program();
  const help = p.commands.find((c) => c.name() === 'train')!.helpInformation();
  assert.match(help, /--out <dir>\s+folder to write \(required\)/);
  assert.doesNotMatch(help, /--seed <n>.*\(required\)/);
});

test('every error is one "error:" line; only an unexpected error adds its stack', () => {
  assert.equal(errorText(new PlotlineError('no such model folder', { file: 'models/x' })), 'error: models/x: no such model folder\n');
  const bug = errorText(new TypeError('x is undefined'));
  assert.match(bug, /^error: TypeError: x is undefined\n\s+at /);
  assert.equal(bug.split('\n').filter((l) => l.includes('x is undefined')).length, 1, 'the message once');
  assert.match(bug, /\n\s+at /);
});

test("a command's own usage error (options that do not go together) gets the same hint", () => {
  assert.equal(errorText(new UsageError('give either descriptions or --input, not both'), 'plotline predict'), 'error: give either descriptions or --input, not both\n(see plotline predict --help)\n');
  assert.equal(errorText(new UsageError('x')), 'error: x\n');
});
