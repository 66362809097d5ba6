import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { integer, jsonObject, openFraction, probability, backendName } from '../../src/cli/options.js';

test('option parsers accept what they promise and name what they expected otherwise', () => {
  assert.equal(integer(1)('3'), 3);
  assert.throws(() => integer(1)('0'), /whole number >= 1, got "0"/);
  assert.throws(() => integer(0)('2.5'), InvalidArgumentError);
  assert.equal(probability('0'), 0);
  assert.equal(probability('1'), 1);
  assert.throws(() => probability('1.5'), /from 0 to 1/);
  assert.equal(openFraction('0.15'), 0.15);
  for (const edge of ['0', '1', '-0.1', 'x']) assert.throws(() => openFraction(edge), /between 0 and 1 \(exclusive\)/);
  assert.deepEqual(jsonObject('{"filters":96}'), { filters: 96 });
  assert.throws(() => jsonObject('[1]'), /JSON object/);
  assert.throws(() => jsonObject('{filters:96}'), /JSON object/);
  assert.equal(backendName('wasm'), 'wasm');
  assert.throws(() => backendName('gpu'), /wasm, node, cpu/);
});
