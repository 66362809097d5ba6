/**
 * The catalogue step on a tiny text model: fields fused in, rules learned, thresholds tuned; saved and
 * loaded back as users get it (same scores, same rules), and the predictions say what the rules removed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useBackend } from '../../src/engine/backend.js';
import { addCatalogue } from '../../src/training/train-catalogue.js';
import { CatalogueModel } from '../../src/models/fields/catalogue-model.js';
import { loadModel, saveModel } from '../../src/models/storage.js';
import { GENRES, TEXTS, tinyClassifier, tinyManifestFields } from '../models/fixtures.js';

await useBackend('cpu');

// Comedies and Dramas only on movies, Thrillers only on TV shows: type decides the family.
const fields = TEXTS.map((_, i) => ({ type: i % 2 === 0 ? 'TV Show' : 'Movie', country: i < 3 ? 'India' : 'France' }));
const genreLists = TEXTS.map((_, i) => (i % 2 === 0 ? ['Thrillers'] : i === 1 ? ['Comedies', 'Dramas'] : ['Dramas']));
const targets = Float32Array.from(genreLists.flatMap((list) => GENRES.map((g) => (list.includes(g) ? 1 : 0))));

test('fields and rules are added to any text model; the saved folder loads back scoring the same', async () => {
  const text = tinyClassifier('bag', 3);
  const textValidation = await text.score(TEXTS);
  const result = addCatalogue(text, textValidation, { fields, targets, genres: genreLists }, { fields, targets }, {
    fields: ['type', 'country'],
    familyField: 'type',
    rules: true,
    seed: 5,
    fieldModel: { epochs: 30, patience: 30 },
  });
  assert.ok(result.model instanceof CatalogueModel);
  assert.deepEqual(result.model.inputFields, ['type', 'country']);
  // The cap (the training maximum) always holds, and a title without a family field is held to one family.
  assert.equal(result.rules?.maxGenres, 2);
  assert.ok(result.rules?.unknownFamily === 'total' || result.rules?.unknownFamily === 'max');
  assert.deepEqual(result.rules?.families, [
    { value: 'TV Show', genres: ['Thrillers'] },
    { value: 'Movie', genres: ['Comedies', 'Dramas'] },
  ]);
  // The field model makes type decisive: every title gets its own family's genres.
  const predictions = await result.model.predict(TEXTS, { fields });
  predictions.forEach((p, i) => {
    const family = fields[i].type === 'Movie' ? ['Comedies', 'Dramas'] : ['Thrillers'];
    assert.ok(p.genres.every((g) => family.includes(g)), `title ${i}: ${p.genres.join(', ')}`);
    assert.deepEqual(p.family, { value: fields[i].type, given: true });
  });
  // --top-k: genres the rules zeroed come after the kept ones, ordered by their scores before the rules
  // (here the cap kept Comedies; Thrillers scored higher than Dramas before it), not in genre order.
  const [top] = result.model.decide({ scores: Float32Array.of(0.9, 0, 0), raw: Float32Array.of(0.9, 0.2, 0.6), outcomes: null, thresholds: result.model.activeThresholds() }, { topK: 3 });
  assert.deepEqual(top.top?.map((t) => t.genre), ['Comedies', 'Thrillers', 'Dramas']);

  // A title whose fields give no feature is scored from its text alone: sigmoid(a0_j * logit(p_text) + d0_j).
  const alone = result.fusion?.withoutFields;
  assert.ok(alone && alone.text.length === 3 && alone.bias.length === 3);
  const bare = await (result.model as CatalogueModel).score(TEXTS);
  const unknownOnly = await (result.model as CatalogueModel).score(TEXTS, TEXTS.map(() => ({ country: 'Atlantis' })));
  bare.forEach((p, c) => {
    const j = c % 3;
    const q = Math.min(Math.max(textValidation[c], 1e-6), 1 - 1e-6);
    const expected = 1 / (1 + Math.exp(-(alone.text[j] * Math.log(q / (1 - q)) + alone.bias[j])));
    assert.ok(Math.abs(p - expected) < 1e-6, `cell ${c}: ${p} vs ${expected}`);
  });
  assert.deepEqual(unknownOnly, bare, 'a value the model does not know gives no feature either');
  const withFields = await (result.model as CatalogueModel).score(TEXTS, fields);
  assert.notDeepEqual(withFields, bare);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plotline-catalogue-'));
  try {
    const section = { columns: { text: 'description', labels: 'listed_in', id: 'show_id', labelSeparator: ',' as const }, fields: ['type', 'country'], rules: result.rules, fusion: result.fusion };
    await saveModel(text, { ...tinyManifestFields('bag', 3), catalogue: section }, path.join(dir, 'm'), result.model);
    // fields.json sits in the model's version folder, with its sha256 in the manifest.
    const files = JSON.parse(fs.readFileSync(path.join(dir, 'm', 'manifest.json'), 'utf8')).files as Record<string, string>;
    const fieldsFile = path.join(dir, 'm', Object.keys(files).find((p) => p.endsWith('/fields.json')) ?? 'fields.json');
    assert.ok(fs.existsSync(fieldsFile));
    const { classifier: loaded, manifest } = await loadModel(path.join(dir, 'm'));
    assert.deepEqual(manifest.catalogue, section);
    assert.deepEqual(loaded.inputFields, ['type', 'country']);
    assert.deepEqual(loaded.rules, result.rules);
    assert.deepEqual(loaded.thresholds, result.model.thresholds);
    assert.deepEqual(await loaded.scoreTitles(TEXTS, fields), await result.model.scoreTitles(TEXTS, fields));
    assert.deepEqual(await loaded.scoreTitles(TEXTS), await result.model.scoreTitles(TEXTS));
    await loaded.dispose();

    // A corrupt fields.json is refused naming the file.
    fs.writeFileSync(fieldsFile, '{"vectorizer": {}}');
    await assert.rejects(loadModel(path.join(dir, 'm')), /fields\.json/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    text.dispose();
  }
});

test('a description-only model gets rules and reports what they removed', async () => {
  const text = tinyClassifier('bag', 4);
  const result = addCatalogue(text, await text.score(TEXTS), { fields, targets, genres: genreLists }, { fields, targets }, {
    fields: [],
    familyField: 'type',
    maxGenres: 1,
    rules: true,
    seed: 5,
  });
  assert.equal(result.model, text);
  assert.equal(result.fusion, null);
  assert.equal(result.rules?.maxGenres, 1);
  // With a threshold of 0 every genre passes before the rules: the rules must remove the rest.
  const predictions = await text.predict(TEXTS, { thresholds: 0, fields });
  for (const p of predictions) {
    assert.equal(p.genres.length, 1);
    assert.equal(p.removed?.length, 2);
    // The model does not read type, so the family is chosen by the unknown-family rule.
    assert.equal(p.family?.given ?? false, false);
  }
  text.dispose();
});

test('a family field the user names is read by the model too, unless it reads the description only', async () => {
  const { catalogueOptions } = await import('../../src/training/train-catalogue.js');
  const dataset = { file: 'kind.csv', fieldNames: ['country', 'kind'] } as unknown as Parameters<typeof catalogueOptions>[0];
  // Default fields: the usual catalogue fields the file has (country), plus the named family field.
  assert.deepEqual(catalogueOptions(dataset, { familyField: 'kind' }, 1).fields, ['country', 'kind']);
  assert.deepEqual(catalogueOptions(dataset, { familyField: 'kind', fields: ['country', 'kind'] }, 1).fields, ['country', 'kind']);
  assert.deepEqual(catalogueOptions(dataset, { familyField: 'kind', fields: ['description'] }, 1).fields, []);
  assert.deepEqual(catalogueOptions(dataset, {}, 1).fields, ['country']);
});

test('decideRules passes the training prevalences and the objective to the threshold tuner: rare genres get lower prior-shifted thresholds', async () => {
  const { decideRules } = await import('../../src/training/train-catalogue.js');
  const { createRng } = await import('../../src/util/random.js');
  const names = ['Common', 'Middling', 'Rare', 'Rarer'];
  const prevalence = [0.5, 0.3, 0.06, 0.03];
  const rng = createRng(9);
  const draw = (n: number) => {
    const lists: string[][] = [];
    const t = new Float32Array(n * 4);
    const s = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      const list: string[] = [];
      prevalence.forEach((p, j) => {
        const positive = rng.next() < p;
        if (positive) list.push(names[j]);
        t[i * 4 + j] = positive ? 1 : 0;
        s[i * 4 + j] = 1 / (1 + Math.exp(-(Math.log(p / (1 - p)) + (positive ? 2.5 : -2.5) + (rng.next() - 0.5) * 3)));
      });
      lists.push(list);
    }
    return { lists, t, s, fields: lists.map(() => ({})) };
  };
  const tr = draw(2000);
  const va = draw(800);
  const decide = (thresholdObjective: 'micro' | 'macro') =>
    decideRules(names, { fields: tr.fields, targets: tr.t, genres: tr.lists }, { fields: va.fields, targets: va.t }, { familyField: null, maxGenres: null, rules: true, thresholdObjective }, { raw: va.s, hiddenFamily: va.s, readsFamily: false });
  const macro = decide('macro');
  assert.equal(macro.tuned.objective, 'macro');
  assert.ok((macro.tuned.thresholds.priorShift ?? 0) > 0, JSON.stringify(macro.tuned.crossFitted));
  const cut = macro.tuned.thresholds.perGenre!;
  assert.ok(cut[3] < cut[0], `the rarest genre is cut lower than the commonest: ${cut}`);
  assert.equal(decide('micro').tuned.objective, 'micro');
});
