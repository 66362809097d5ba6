/**
 * JSON schemas of every route. Fastify uses them three ways: to validate request bodies before a
 * handler runs (so handlers see well-typed input), to serialise responses (fast, and nothing outside the
 * schema can leak into a response), and, through @fastify/swagger, to generate /openapi.json, so the
 * documentation cannot drift from what the server accepts.
 *
 * Rules a schema cannot state, or states with unhelpful messages (exactly one of text/texts, empty
 * texts, the length limit, genre names, top_k against the model's genre count), are checked in the
 * handler, which knows the loaded model and the configured limits.
 */

const scoreValue = { type: 'number', minimum: 0, maximum: 1 } as const;

const genreScore = {
  type: 'object',
  required: ['genre', 'score'],
  properties: { genre: { type: 'string' }, score: { type: 'number' } },
} as const;

/** The body of every 4xx and 5xx response. */
export const errorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'stable machine-readable cause, e.g. invalid_body, text_too_long, unknown_genre' },
        message: { type: 'string', description: 'what was wrong, naming the field, index or limit' },
      },
    },
  },
} as const;

/** What the server says about each field when its type is wrong (see app.ts). */
export const FIELD_EXPECTATIONS: Record<string, string> = {
  text: 'a string',
  texts: 'an array of strings',
  top_k: 'a whole number >= 1',
  threshold: 'a number from 0 to 1, or an object mapping genre names to numbers from 0 to 1',
  scores: 'true or false',
  explain: 'true, false or a genre name',
  fields: 'an object of field names to strings, numbers or arrays of strings (a list such as cast), or an array of such objects, one per text',
};

const fieldSet = { type: 'object', additionalProperties: { anyOf: [{ type: ['string', 'number'] }, { type: 'array', items: { type: 'string' } }] } } as const;

export const predictBody = {
  type: 'object',
  description: 'Give exactly one of `text` or `texts`.',
  additionalProperties: false,
  properties: {
    text: { type: 'string', description: 'one description to classify' },
    texts: { type: 'array', items: { type: 'string' }, description: 'several descriptions; one prediction each, in order' },
    top_k: { type: 'integer', minimum: 1, description: 'also list the k most likely genres (1 to the number of genres)' },
    threshold: {
      description: "one threshold for every genre, or {genre: threshold} overriding only the named genres (the others keep the model's saved thresholds)",
      oneOf: [scoreValue, { type: 'object', additionalProperties: scoreValue }],
    },
    scores: { type: 'boolean', description: "include every genre's probability" },
    explain: {
      description:
        'true: explain the best genre; a genre name: explain that genre, for every text. Word weights by occlusion (one extra forward pass per text). Bounded: at most maxExplainTexts texts (default 8, else 400 too_many_explained_texts) and maxExplainWords words per text (default 200, else 413 explain_text_too_long).',
      anyOf: [{ type: 'boolean' }, { type: 'string' }],
    },
    fields: {
      description:
        'the title\'s catalogue fields (e.g. {"type": "TV Show", "country": "South Korea"}): one object for every text, or an array with one per text. GET /v1/model lists the fields the model reads; others are refused. Values are strings (a list such as cast may be an array of strings); a number only for a field the model reads as a bare number (release_year; not duration, read with its unit as in \"90 min\"), at most 9007199254740991 in size, else a 400 invalid_field; null, booleans, objects, lists holding non-strings, and lists for a field that holds one value (type, rating, release_year, duration, title) are a 400 invalid_field too, naming the value.',
      anyOf: [fieldSet, { type: 'array', items: fieldSet }],
    },
  },
} as const;

const prediction = {
  type: 'object',
  required: ['genres'],
  properties: {
    genres: { type: 'array', items: genreScore, description: 'genres at or above their threshold, best first; never empty (the best genre stands in)' },
    top: { type: 'array', items: genreScore, description: 'the top_k most likely genres, when asked for' },
    removed: { type: 'array', items: { type: 'string' }, description: 'genres that passed their threshold but that the genre-set rules took out (another family, over the cap); absent when none' },
    family: {
      type: 'object',
      required: ['value', 'given'],
      properties: { value: { type: 'string' }, given: { type: 'boolean', description: 'true: from the title\'s own field; false: chosen by the rule for unknown families' } },
      description: 'the genre family the rules held the title to',
    },
    scores: { type: 'object', additionalProperties: { type: 'number' }, description: "every genre's probability, when asked for" },
    explanation: {
      type: 'object',
      required: ['genre', 'score', 'words'],
      properties: {
        genre: { type: 'string' },
        score: { type: 'number', description: "the genre's probability for the whole text" },
        words: {
          type: 'array',
          description: "one entry per whitespace-separated word; weight = score minus the score without the word; text.slice(start, end) === word",
          items: {
            type: 'object',
            required: ['word', 'start', 'end', 'weight'],
            properties: { word: { type: 'string' }, start: { type: 'integer' }, end: { type: 'integer' }, weight: { type: 'number' } },
          },
        },
      },
    },
  },
} as const;

const modelRef = {
  type: 'object',
  required: ['id', 'kind'],
  properties: { id: { type: 'string' }, kind: { type: 'string' } },
} as const;

export const predictResponse = {
  type: 'object',
  required: ['model', 'predictions'],
  properties: {
    model: modelRef,
    predictions: { type: 'array', items: prediction },
    warnings: {
      type: 'array',
      items: { type: 'string' },
      description: 'present when some field value cannot be used (not a number where one is read, out of range, a family value such as type the genre rules do not know): each names the value and what was expected; such a field is scored as missing',
    },
  },
} as const;

/** Metrics are stored as free-form objects in the manifest and passed through as they are. */
const metrics = { type: ['object', 'null'], additionalProperties: true } as const;

export const modelResponse = {
  type: 'object',
  required: ['id', 'kind', 'genres', 'thresholds', 'metrics', 'trainedAt', 'trainSeconds', 'dataSha256', 'versions'],
  properties: {
    id: { type: 'string', description: 'kind + "-" + the first 12 hex digits of sha256(manifest.json)' },
    kind: { type: 'string' },
    genres: { type: 'array', items: { type: 'string' } },
    thresholds: {
      type: 'object',
      required: ['global', 'perGenre', 'mode'],
      properties: {
        global: { type: 'number' },
        perGenre: { type: ['array', 'null'], items: { type: 'number' }, description: 'in genre order, or null when not tuned' },
        mode: { type: 'string', enum: ['global', 'perGenre'] },
        priorShift: { type: 'number', description: "when present, perGenre holds the global threshold shifted by this fraction of each genre's training log-odds" },
        objective: { type: 'string', enum: ['micro', 'macro', 'mean'], description: 'what the thresholds were chosen for on validation (absent in models saved before it)' },
      },
    },
    metrics: { type: 'object', required: ['validation', 'test'], properties: { validation: metrics, test: metrics } },
    trainedAt: { type: 'string' },
    trainSeconds: { type: 'number' },
    dataSha256: { type: 'string' },
    versions: { type: 'object', additionalProperties: { type: 'string' } },
    fields: { type: 'array', items: { type: 'string' }, description: 'catalogue fields the model reads (give them in "fields"); empty: description only' },
    rules: {
      type: ['object', 'null'],
      description: 'genre-set rules: families by a field (genres only that value has), the rule for unknown families, the most genres per title',
      properties: {
        familyField: { type: ['string', 'null'] },
        families: { type: 'array', items: { type: 'object', properties: { value: { type: 'string' }, genres: { type: 'array', items: { type: 'string' } } } } },
        unknownFamily: { type: 'string' },
        maxGenres: { type: ['integer', 'null'] },
      },
    },
    columns: {
      type: ['object', 'null'],
      description: 'how the training file was read (text, labels and id columns, label separator)',
      properties: { text: { type: 'string' }, labels: { type: ['string', 'null'] }, id: { type: ['string', 'null'] }, labelSeparator: { type: ['string', 'null'] } },
    },
  },
} as const;

export const statusResponse = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string' } },
} as const;

export const routeSchemas = {
  predict: {
    summary: 'Predict the genres of one or more descriptions',
    body: predictBody,
    response: { 200: predictResponse, '4xx': errorBody, '5xx': errorBody },
  },
  model: {
    summary: 'The loaded model: genres, thresholds, metrics, provenance',
    response: { 200: modelResponse, '5xx': errorBody },
  },
  healthz: {
    summary: 'Liveness: the process is serving HTTP',
    response: { 200: statusResponse },
  },
  readyz: {
    summary: 'Readiness: 200 once the model is loaded, 503 before (or if loading failed) and from the start of a shutdown (drain) on',
    response: { 200: statusResponse, 503: errorBody },
  },
} as const;
