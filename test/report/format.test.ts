import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanCount, integer, megabytes, parameters, score } from '../../src/report/format.js';

test('scores have 3 decimals and an undefined one reads n/a', () => {
  assert.equal(score(0.4494), '0.449');
  assert.equal(score(1), '1.000');
  assert.equal(score(null), 'n/a');
  assert.equal(score(Number.NaN), 'n/a');
});

test('integers get thousands separators without depending on the locale', () => {
  assert.equal(integer(15636.4), '15,636');
  assert.equal(integer(999), '999');
  assert.equal(integer(1234567), '1,234,567');
  assert.equal(integer(-4200), '-4,200');
});

test('parameter counts read like 1.2M, frozen ones only when there are any', () => {
  assert.equal(humanCount(950), '950');
  assert.equal(humanCount(999.7), '1.0k');
  assert.equal(humanCount(45_618), '45.6k');
  assert.equal(humanCount(25_247_915), '25.2M');
  assert.equal(humanCount(999_960), '1.0M');
  assert.equal(humanCount(1_500_000_000), '1.5B');
  assert.equal(parameters({ trained: 504_362, frozen: 0 }), '504.4k');
  assert.equal(parameters({ trained: 44_586, frozen: 26_954_368 }), '44.6k + 27.0M frozen');
});

test('sizes are decimal megabytes, with two decimals under 1 MB', () => {
  assert.equal(megabytes(101_013_512), '101.0');
  assert.equal(megabytes(183_211), '0.18');
});
