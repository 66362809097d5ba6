import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { integer, jsonObject, openFraction, port, positiveNumber, probability, backendName, withWordVectors } from '../../src/cli/options.js';

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

test('every numeric option refuses blank, whitespace and non-finite values (Number("") would be 0)', () => {
  const parsers: [string, (value: string) => number][] = [
    ['integer(0)', integer(0)],
    ['integer(1)', integer(1)],
    ['probability', probability],
    ['openFraction', openFraction],
    ['positiveNumber', positiveNumber],
    ['port', port],
  ];
  for (const [name, parse] of parsers) {
    for (const bad of ['', ' ', '\t', 'Infinity', '-Infinity', 'NaN', '0x10', '1e999', '0.5abc', '1,5']) {
      assert.throws(() => parse(bad), InvalidArgumentError, `${name}(${JSON.stringify(bad)})`);
      assert.throws(() => parse(bad), new RegExp(`got "${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`), `${name} names the value`);
    }
  }
  assert.equal(probability(' 0.25 '), 0.25);
  assert.equal(positiveNumber('1e-3'), 0.001);
  assert.equal(probability('.5'), 0.5);
});

test('--port takes 0 to 65535', () => {
  assert.equal(port('0'), 0);
  assert.equal(port('65535'), 65535);
  for (const bad of ['99999', '65536', '-1', '80.5']) assert.throws(() => port(bad), /TCP port from 0 to 65535/);
});

test('--word-vectors and --freeze-embeddings fold into --config; freezing without vectors is a usage error', () => {
  assert.equal(withWordVectors(undefined, undefined, false), undefined);
  assert.deepEqual(withWordVectors({ filters: 8 }, 'g.txt', false), { filters: 8, wordVectors: 'g.txt' });
  assert.deepEqual(withWordVectors({ wordVectors: 'a.vec' }, 'b.vec', true), { wordVectors: 'b.vec', freezeEmbeddings: true });
  assert.deepEqual(withWordVectors({ wordVectors: 'a.vec' }, undefined, true), { wordVectors: 'a.vec', freezeEmbeddings: true });
  assert.throws(() => withWordVectors(undefined, undefined, true), /--freeze-embeddings needs --word-vectors/);
});
