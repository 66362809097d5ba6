/**
 * POST /v1/predict and GET /v1/model for a model that reads catalogue fields and has genre-set rules
 * (families by `type`, at most one genre per title): fields in both forms, the errors for unknown
 * names and mismatched arrays, `removed` and `family` in the answers, and the rules holding on every
 * answer when `type` is given.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/serving/app.js';
import type { GenreModel } from '../../src/models/genre-model.js';
import { FIELD_FAMILIES, GENRES, TEXTS, savedFieldsModel, savedNumbersModel, savedTinyModel, type SavedFixture } from './fixtures.js';

let fixture: SavedFixture;
let plain: SavedFixture;
let app: FastifyInstance;
let classifier: GenreModel;

before(async () => {
  fixture = await savedFieldsModel();
  plain = await savedTinyModel();
  app = await buildApp({ modelDir: fixture.modelDir, maxTexts: 8, maxWaitMs: 1 });
  await app.plotline.ready;
  classifier = app.plotline.model!.classifier;
});

after(async () => {
  await app.close();
  await fixture.remove();
  await plain.remove();
});

const predict = (payload: unknown, on: FastifyInstance = app) =>
  on.inject({ method: 'POST', url: '/v1/predict', payload: payload as InjectOptions['payload'] });

function assertError(response: { statusCode: number; body: string }, status: number, code: string, message: RegExp): void {
  assert.equal(response.statusCode, status, response.body);
  const body = JSON.parse(response.body) as { error: { code: string; message: string } };
  assert.equal(body.error.code, code);
  assert.match(body.error.message, message);
}

interface Answer {
  genres: { genre: string; score: number }[];
  removed?: string[];
  family?: { value: string; given: boolean };
  scores?: Record<string, number>;
}

const familyOf = (value: string) => FIELD_FAMILIES.find((f) => f.value === value)!.genres;

test('GET /v1/model lists the fields the model reads, its rules and the columns it was trained on', async () => {
  const body = (await app.inject('/v1/model')).json();
  assert.deepEqual(body.fields, ['type', 'country']);
  assert.deepEqual(body.rules.families, FIELD_FAMILIES);
  assert.equal(body.rules.familyField, 'type');
  assert.equal(body.rules.maxGenres, 1);
  assert.ok(['total', 'max', 'none'].includes(body.rules.unknownFamily), body.rules.unknownFamily);
  assert.deepEqual(body.columns, { text: 'description', labels: 'listed_in', id: 'show_id', labelSeparator: ',' });
  assert.deepEqual(body.genres, [...GENRES]);
});

test('one fields object applies to every text: the answers are the model\'s own, held to that family', async () => {
  const fields = { type: 'TV Show', country: 'India' };
  const response = await predict({ texts: TEXTS, fields, scores: true });
  assert.equal(response.statusCode, 200, response.body);
  const answers = response.json().predictions as Answer[];
  const expected = await classifier.predict(TEXTS, { fields: TEXTS.map(() => fields) });
  assert.equal(answers.length, TEXTS.length);
  answers.forEach((answer, i) => {
    assert.deepEqual(answer.genres.map((g) => g.genre), expected[i].genres, `text ${i}`);
    assert.deepEqual(answer.removed, expected[i].removed, `text ${i}: removed`);
    assert.deepEqual(answer.family, { value: 'TV Show', given: true });
    assert.deepEqual(answer.genres.map((g) => g.genre), ['Thrillers']);
    // The threshold (0.05) lets the movie genres through before the rules; the answer says they went.
    for (const genre of answer.removed ?? []) assert.ok(!familyOf('TV Show').includes(genre), `${genre} removed although in the family`);
    assert.ok((answer.removed ?? []).length > 0, `text ${i}: the rules removed something`);
    // Genres outside the family score 0 (the rules act on scores).
    assert.equal(answer.scores!.Comedies, 0);
    assert.equal(answer.scores!.Dramas, 0);
  });
});

test('an array gives one fields object per text, matched by position; names are case-insensitive', async () => {
  const fields = [{ Type: 'Movie' }, { type: 'tv show', country: 'France' }, {}];
  const texts = TEXTS.slice(0, 3);
  const response = await predict({ texts, fields });
  assert.equal(response.statusCode, 200, response.body);
  const answers = response.json().predictions as Answer[];
  const expected = await classifier.predict(texts, { fields: [{ type: 'Movie' }, { type: 'tv show', country: 'France' }, {}] });
  answers.forEach((answer, i) => {
    assert.deepEqual(answer.genres.map((g) => g.genre), expected[i].genres, `text ${i}`);
    assert.deepEqual(answer.family, expected[i].family, `text ${i}: family`);
  });
  assert.deepEqual(answers[0].family, { value: 'Movie', given: true });
  assert.ok(answers[0].genres.every((g) => familyOf('Movie').includes(g.genre)), JSON.stringify(answers[0]));
  assert.deepEqual(answers[1].family, { value: 'TV Show', given: true }, 'the value matches the family case-insensitively');
  assert.deepEqual(answers[1].genres.map((g) => g.genre), ['Thrillers']);
  // No type: the family is chosen by the unknown-family rule (or none), never "given".
  assert.notEqual(answers[2].family?.given, true);
});

test('with type given, no answer mixes families and none has more genres than the cap', async () => {
  const families = new Map(FIELD_FAMILIES.flatMap((f) => f.genres.map((g) => [g, f.value] as const)));
  let checked = 0;
  for (const type of ['Movie', 'TV Show']) {
    for (const country of ['India', 'France', 'Japan']) {
      const response = await predict({ texts: TEXTS, fields: { type, country } });
      assert.equal(response.statusCode, 200, response.body);
      for (const answer of response.json().predictions as Answer[]) {
        const genres = answer.genres.map((g) => g.genre);
        assert.ok(genres.length >= 1 && genres.length <= 1, `${type}: ${genres.join(', ')} (cap 1)`);
        assert.ok(genres.every((g) => families.get(g) === type), `${type}: ${genres.join(', ')} is not all of its family`);
        assert.equal(new Set(genres.map((g) => families.get(g))).size, 1, 'one family');
        checked++;
      }
    }
  }
  assert.equal(checked, 2 * 3 * TEXTS.length);
});

test('a field the model does not read is a 400 that lists the fields it reads', async () => {
  assertError(await predict({ text: TEXTS[0], fields: { type: 'Movie', genre: 'Dramas' } }), 400, 'unknown_field', /"fields" names "genre".*it reads type, country/);
  assertError(await predict({ texts: TEXTS.slice(0, 2), fields: [{ type: 'Movie' }, { director: 'X' }] }), 400, 'unknown_field', /"fields\[1\]" names "director".*it reads type, country/);
  // A description-only model reads none, and says so.
  const other = await buildApp({ modelDir: plain.modelDir });
  try {
    await other.plotline.ready;
    assertError(await predict({ text: TEXTS[0], fields: { type: 'Movie' } }, other), 400, 'unknown_field', /reads no catalogue fields/);
    const body = (await other.inject('/v1/model')).json();
    assert.deepEqual([body.fields, body.rules], [[], null]);
  } finally {
    await other.close();
  }
});

test('a fields array whose length differs from the texts is a 400 naming both counts; wrong types too', async () => {
  assertError(await predict({ texts: TEXTS.slice(0, 3), fields: [{ type: 'Movie' }] }), 400, 'invalid_body', /"fields" has 1 entries for 3 texts/);
  assertError(await predict({ text: TEXTS[0], fields: [{ type: 'Movie' }, { type: 'Movie' }] }), 400, 'invalid_body', /"fields" has 2 entries for 1 texts/);
  assertError(await predict({ text: TEXTS[0], fields: 'Movie' }), 400, 'invalid_body', /"fields" must be an object of field names/);
  // A value of the wrong type is named, as the other field errors are: the field, the text's index, the list item.
  assertError(await predict({ text: TEXTS[0], fields: { type: { value: 'Movie' } } }), 400, 'invalid_field', /^"fields\.type" must be a string, a number/);
  assertError(await predict({ text: TEXTS[0], fields: { type: null } }), 400, 'invalid_field', /^"fields\.type" must be/);
  assertError(await predict({ text: TEXTS[0], fields: { type: true } }), 400, 'invalid_field', /^"fields\.type" must be/);
  assertError(await predict({ text: TEXTS[0], fields: { country: ['South Korea', 5] } }), 400, 'invalid_field', /^"fields\.country\[1\]" must be a string/);
  assertError(await predict({ texts: TEXTS.slice(0, 2), fields: [{ type: 'Movie' }, { type: false }] }), 400, 'invalid_field', /^"fields\[1\]\.type" must be/);
  assertError(await predict({ texts: TEXTS.slice(0, 2), fields: [{ type: 'Movie' }, true] }), 400, 'invalid_body', /"fields" must be an object of field names/);
  // A field that holds one value is not a list: refused naming it, whatever the list holds.
  assertError(await predict({ text: TEXTS[0], fields: { type: ['Movie'] } }), 400, 'invalid_field', /^"fields\.type" is a list; type holds one value: send it as a string, e\.g\. "Movie"$/);
  assertError(await predict({ texts: TEXTS.slice(0, 2), fields: [{ type: 'Movie' }, { type: ['Movie', 'TV Show'] }] }), 400, 'invalid_field', /^"fields\[1\]\.type" is a list/);
  // A list field may come as a JSON array (as in JSON Lines catalogues): the same answer as its comma form.
  const listed = await predict({ text: TEXTS[0], fields: { type: 'Movie', country: ['India', 'France'] } });
  const joined = await predict({ text: TEXTS[0], fields: { type: 'Movie', country: 'India, France' } });
  assert.equal(listed.statusCode, 200, listed.body);
  assert.deepEqual(listed.json().predictions, joined.json().predictions);
});

test('field values the model cannot use come back as "warnings", named as the request wrote them; the texts are still scored', async () => {
  const numbers = await savedNumbersModel();
  const served = await buildApp({ modelDir: numbers.modelDir, maxTexts: 8, maxWaitMs: 1 });
  try {
    await served.plotline.ready;
    const perText = await predict({ texts: [TEXTS[0], TEXTS[1]], fields: [{ type: 'Movie', release_year: 'abc' }, { release_year: '99999999999999999999', duration: '90 min' }] }, served);
    assert.equal(perText.statusCode, 200, perText.body);
    const body = perText.json() as { predictions: Answer[]; warnings?: string[] };
    assert.equal(body.predictions.length, 2);
    assert.equal(body.warnings?.length, 2, perText.body);
    assert.match(body.warnings![0], /^"fields\[0\]\.release_year"="abc" is not a number \(expected a number from \d+ to \d+.*\); scored as if release_year were missing$/);
    assert.match(body.warnings![1], /^"fields\[1\]\.release_year"="99999999999999999999" is out of range \(expected /);
    // One object for every text: warned about once.
    const shared = (await predict({ texts: [TEXTS[0], TEXTS[1]], fields: { duration: 'long' } }, served)).json() as { warnings?: string[] };
    assert.deepEqual(shared.warnings?.map((w) => w.split(' is ')[0]), ['"fields.duration"="long"']);
    // A type the genre rules do not know: warned about as --field is (scored as if missing), its family chosen by the rule.
    const cartoon = (await predict({ texts: [TEXTS[0], TEXTS[1]], fields: [{ type: 'Cartoon' }, { type: ' tv show ' }] }, served)).json() as { predictions: Answer[]; warnings?: string[] };
    assert.equal(cartoon.warnings?.length, 1, JSON.stringify(cartoon));
    assert.match(cartoon.warnings![0], /^"fields\[0\]\.type"="Cartoon" is not a type the model knows \(TV Show, Movie\); scored as if type were missing: the family is chosen by/);
    assert.equal(cartoon.predictions[0].family?.given, false);
    // Usable values: no "warnings" at all.
    const clean = (await predict({ text: TEXTS[0], fields: { type: 'movie', release_year: '2001', duration: '90 min' } }, served)).json() as { warnings?: string[] };
    assert.equal(clean.warnings, undefined);
  } finally {
    await served.close();
    await numbers.remove();
  }
});


test('a number is a 400 naming the field for a field read as text, and for a numeric field beyond what JSON carries exactly; a plausible number is read as its digits', async () => {
  assertError(await predict({ text: TEXTS[0], fields: { type: 5 } }), 400, 'invalid_field', /^"fields\.type" is the number 5; expected a string \(the model does not read type as a number\)/);
  assertError(await predict({ texts: TEXTS.slice(0, 2), fields: [{ type: 'Movie' }, { country: 7 }] }), 400, 'invalid_field', /^"fields\[1\]\.country" is the number 7; expected a string/);
  const numbers = await savedNumbersModel();
  const served = await buildApp({ modelDir: numbers.modelDir, maxTexts: 8, maxWaitMs: 1 });
  try {
    await served.plotline.ready;
    // JSON.parse reads 99999999999999999999 as 1e20: refused rather than quoted with other digits.
    const huge = await served.inject({ method: 'POST', url: '/v1/predict', headers: { 'content-type': 'application/json' }, payload: `{"text": ${JSON.stringify(TEXTS[0])}, "fields": {"release_year": 99999999999999999999}}` });
    assertError(huge, 400, 'invalid_field', /^"fields\.release_year" is the number 100000000000000000000, too large to be read exactly; expected a number from -9007199254740991 to 9007199254740991, or the value as a string$/);
    assertError(await predict({ text: TEXTS[0], fields: { type: 5 } }, served), 400, 'invalid_field', /"fields\.type" is the number 5; expected a string/);
    // A year as a number is the same answer as the year as text; out of the training range it is warned about as text is.
    const asNumber = await predict({ text: TEXTS[0], fields: { type: 'Movie', release_year: 2001 } }, served);
    const asText = await predict({ text: TEXTS[0], fields: { type: 'Movie', release_year: '2001' } }, served);
    assert.equal(asNumber.statusCode, 200, asNumber.body);
    assert.deepEqual(asNumber.json(), asText.json());
    // A duration is read with its unit ("90 min"): a bare number cannot be, so it is a 400 rather than a warning.
    assertError(await predict({ text: TEXTS[0], fields: { duration: 90 } }, served), 400, 'invalid_field', /^"fields\.duration" is the number 90, which duration cannot be read from \(not a number.*\); send it as a string with its unit/);
    const far = (await predict({ text: TEXTS[0], fields: { release_year: 3000000 } }, served)).json() as { warnings?: string[] };
    assert.match(far.warnings?.[0] ?? '', /^"fields\.release_year"="3000000" is out of range/);
  } finally {
    await served.close();
    await numbers.remove();
  }
});

test('an explanation is scored under the request\'s thresholds, as its answer is: the cap keeps the genre they let through', async () => {
  // Cap 1 and the Movie family (Comedies, Dramas): with the saved low threshold the cap keeps the more
  // probable of the two; a threshold map that only the other one passes makes the cap keep that one.
  const fields = { type: 'Movie', country: 'France' };
  const first = (await predict({ text: TEXTS[1], fields, scores: true })).json() as { predictions: Answer[] };
  const kept = first.predictions[0].genres[0].genre;
  const other = kept === 'Comedies' ? 'Dramas' : 'Comedies';
  const threshold = { [kept]: 0.99, [other]: 0.01 };
  const response = await predict({ text: TEXTS[1], fields, scores: true, threshold, explain: other });
  assert.equal(response.statusCode, 200, response.body);
  const answer = (response.json() as { predictions: (Answer & { explanation: { genre: string; score: number } })[] }).predictions[0];
  assert.deepEqual(answer.genres.map((g) => g.genre), [other]);
  assert.ok(answer.scores![other] > 0);
  assert.equal(answer.explanation.genre, other);
  assert.ok(Math.abs(answer.explanation.score - answer.scores![other]) < 1e-6, `explanation ${answer.explanation.score} vs answer ${answer.scores![other]}`);
});
