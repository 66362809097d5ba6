import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { addModelOptions, catalogueRequest } from '../../src/cli/catalogue-options.js';
import { positiveInteger } from '../../src/cli/options.js';
import { UsageError } from '../../src/cli/usage.js';

/** Parses `args` with the model options of train / compare, as commander would for the real command. */
function parse(args: string[]): { flags: Record<string, unknown>; error: string | null } {
  const command = addModelOptions(new Command('train')).exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  try {
    command.parse(args, { from: 'user' });
    return { flags: command.opts(), error: null };
  } catch (error) {
    return { flags: {}, error: (error as Error).message };
  }
}

test('--max-genres takes a positive integer written as digits: not 1e3, 2.5, 0 or -1', () => {
  assert.equal(parse(['--max-genres', '3']).flags.maxGenres, 3);
  for (const bad of ['1e3', '2.5', '2.0', '0', '-1', '', 'three', '0x3']) {
    assert.match(parse(['--max-genres', bad]).error ?? '', new RegExp(`--max-genres.*expected a positive integer \\(1, 2, 3, \\.\\.\\.\\), got "${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`), bad);
  }
  assert.equal(positiveInteger(' 12 '), 12);
  assert.throws(() => positiveInteger('99999999999999999999'), /positive integer/);
});

test('contradictory field and rule flags are usage errors that say what conflicts', () => {
  const noRules = parse(['--no-rules', '--max-genres', '2']).flags;
  assert.throws(() => catalogueRequest(noRules), (error: unknown) => error instanceof UsageError && /--no-rules and --max-genres 2 conflict/.test(error.message));
  assert.throws(() => catalogueRequest(parse(['--no-rules', '--family-field', 'kind']).flags), /--no-rules and --family-field kind conflict/);
  for (const empty of ['', ' ', ',', ' , ']) {
    assert.throws(
      () => catalogueRequest({ fields: empty }),
      (error: unknown) => error instanceof UsageError && error.message.includes('is an empty list') && error.message.includes('--fields description for the description-only model'),
      JSON.stringify(empty),
    );
  }
  assert.equal(catalogueRequest(parse(['--no-rules', '--family-field', 'none']).flags).rules, false);
  assert.deepEqual(catalogueRequest(parse(['--no-rules']).flags), { fields: undefined, familyField: undefined, maxGenres: undefined, rules: false, thresholdObjective: 'mean' });
  assert.deepEqual(catalogueRequest({ fields: 'description' }).fields, ['description']);
  // "description" means no fields: beside field names it is a contradiction, reported before any data is read.
  assert.throws(
    () => catalogueRequest(parse(['--fields', 'description,type']).flags),
    (error: unknown) => error instanceof UsageError && /--fields "description,type" mixes "description" \(the description-only model, with no catalogue field\) with field names \(type\)/.test(error.message),
  );
});

test('--threshold-objective: micro, macro or mean (the default); anything else is refused naming the choices', () => {
  assert.equal(catalogueRequest(parse([]).flags).thresholdObjective, 'mean');
  for (const objective of ['micro', 'macro', 'mean']) assert.equal(catalogueRequest(parse(['--threshold-objective', objective]).flags).thresholdObjective, objective);
  assert.match(parse(['--threshold-objective', 'weighted']).error ?? '', /--threshold-objective.*weighted.*micro, macro, mean/);
});
