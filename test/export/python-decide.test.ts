/**
 * docs/onnx/decide.py, the README's Python decision rule for an exported model, against Plotline's own
 * (genre-rules.ts `applyGenreRules`, thresholds.ts `applyThresholds`, genres ordered as `predict` orders
 * them) on random rows. Skips with a message when python3 with numpy is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { applyGenreRules, UNKNOWN_FAMILY_RULES, type GenreRules } from '../../src/models/genre-rules.js';
import { applyThresholds } from '../../src/models/thresholds.js';
import { createRng } from '../../src/util/random.js';

const SCRIPT = fileURLToPath(new URL('../../docs/onnx/decide.py', import.meta.url));
const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : 'python3 with numpy is not installed: docs/onnx/decide.py is not checked';

test('docs/onnx/decide.py gives predict\'s genres, in predict\'s order, for every rule and threshold mode', { skip }, () => {
  const rng = createRng(11);
  const genres = Array.from({ length: 12 }, (_, i) => `G${i}`);
  const k = genres.length;
  for (const [trial, unknownFamily] of [...UNKNOWN_FAMILY_RULES, ...UNKNOWN_FAMILY_RULES].entries()) {
    const rules: GenreRules = { familyField: 'type', families: [{ value: 'Movie', genres: ['G0', 'G1', 'G2', 'G3'] }, { value: 'TV Show', genres: ['G4', 'G5', 'G6', 'G7', 'G8'] }], unknownFamily, maxGenres: 1 + (trial % 3) };
    const perGenre = genres.map(() => Math.round((0.1 + 0.6 * rng.next()) * 100) / 100);
    const mode = trial < 3 ? 'perGenre' : 'global';
    const cut = mode === 'perGenre' ? perGenre : 0.3;
    // Scores on a grid of 1/40, so that ties (between genres, families, margins) are common.
    const cases = Array.from({ length: 300 }, (_, i) => ({ scores: genres.map(() => Math.fround(Math.round(rng.next() * 40) / 40)), family: [undefined, 'Movie', ' tv show', 'Cartoon'][i % 4] }));
    const ruled = applyGenreRules(Float32Array.from(cases.flatMap((c) => c.scores)), genres, rules, cases.map((c) => (c.family === undefined ? undefined : { type: c.family })), cut).scores;
    const decided = applyThresholds(ruled, k, cut);
    const expected = cases.map((_, i) => {
      const row = ruled.subarray(i * k, (i + 1) * k);
      return genres.map((_, j) => j).filter((j) => decided[i * k + j] === 1).sort((a, b) => row[b] - row[a] || a - b).map((j) => genres[j]);
    });
    const side = { genres, thresholds: { global: 0.3, perGenre, mode }, rules };
    const run = spawnSync('python3', [SCRIPT], { input: JSON.stringify({ side, cases }), encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const got = JSON.parse(run.stdout) as string[][];
    const differ = expected.map((g, i) => [i, g, got[i]] as const).filter(([, g, p]) => JSON.stringify(g) !== JSON.stringify(p));
    assert.deepEqual(differ, [], `rule ${unknownFamily}, ${mode} thresholds, cap ${rules.maxGenres}`);
    if (rules.maxGenres! > 1) assert.ok(expected.some((g) => g.length > 1), 'some titles get several genres');
  }
});
