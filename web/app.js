// Plotline's page: classify a description (with the catalogue fields the model reads, when it reads any),
// show every genre's probability against its threshold and what the genre rules did, and highlight the
// words that argued for or against a chosen genre. Plain ES module, no dependencies.

const TOP_N = 8;

const EXAMPLES = [
  {
    label: 'Stand-up special',
    text: 'Live from a packed Chicago theatre, the comedian riffs on marriage, airport security and the absurdity of raising teenagers in her first hour-long stand-up special.',
  },
  {
    label: 'Korean crime drama',
    text: 'In 1980s Seoul, a disgraced detective and a young prosecutor hunt a serial killer whose crimes expose corruption reaching into the highest ranks of the police.',
  },
  {
    label: "Children's animated film",
    text: 'When a shy little dragon loses her way home, she teams up with a chatty hedgehog and a runaway kite on a colourful adventure about friendship and courage.',
  },
  {
    label: 'Nature docuseries',
    text: 'Filmed over four years on six continents, this docuseries follows wolves, whales and hummingbirds as they fight to survive on a rapidly changing planet.',
  },
];

/**
 * How each catalogue field the server may list is asked for: its label, the input's type, and a
 * placeholder or hint. A field not listed here gets a plain text input labelled with its name. The
 * family field (`type` in the Netflix catalogue) is a choice instead, built from the model's rules.
 */
const FIELD_INPUTS = {
  type: { label: 'Type' },
  country: { label: 'Country', placeholder: 'e.g. South Korea, United States', hint: 'comma-separated' },
  rating: { label: 'Rating', placeholder: 'e.g. TV-MA, PG-13' },
  duration: { label: 'Duration', placeholder: 'e.g. 95 min or 2 Seasons' },
  // No min/max: the model reads the years its training saw (and a wide margin around them), which the
  // page cannot know; a year it cannot use comes back as one of the answer's warnings, shown beside it.
  release_year: { label: 'Release year', type: 'number', placeholder: 'e.g. 2019' },
  cast: { label: 'Cast', placeholder: 'e.g. Song Kang-ho, Kim Hye-soo', hint: 'comma-separated' },
  director: { label: 'Director', placeholder: 'e.g. Bong Joon-ho' },
  title: { label: 'Title', placeholder: 'e.g. Memories of Murder' },
};

/** The values offered for `type` when the model's rules have no families by it. */
const DEFAULT_TYPES = ['Movie', 'TV Show'];

/** How the rules choose a family when the title's family field is not given (GenreRules.unknownFamily). */
const UNKNOWN_FAMILY_RULES = {
  total: 'the family with the larger total probability',
  max: 'the family of the single most probable genre',
  none: 'no family is chosen',
};

const $ = (id) => document.getElementById(id);
const els = {
  form: $('classify-form'),
  text: $('description'),
  button: $('classify'),
  buttonLabel: document.querySelector('#classify .label'),
  examples: $('examples'),
  error: $('error'),
  fields: $('fields'),
  fieldInputs: $('field-inputs'),
  familyNote: $('family-note'),
  removedNote: $('removed-note'),
  warningsNote: $('warnings-note'),
  results: $('results'),
  predicted: $('predicted'),
  bars: $('genre-bars'),
  toggleAll: $('toggle-all'),
  explanation: $('explanation'),
  explainedGenre: $('explained-genre'),
  explainedScore: $('explained-score'),
  explainedText: $('explained-text'),
  modelLoading: $('model-loading'),
  modelInfo: $('model-info'),
  modelError: $('model-error'),
};

const state = {
  /** GET /v1/model's answer, or null until it arrives (or if it failed). */
  model: null,
  /** The text the shown results belong to (the text area may have been edited since). */
  text: '',
  /** The catalogue fields sent with that text (undefined: none), so explanations score it the same way. */
  fields: undefined,
  /** The shown prediction: { genres, scores } for that text. */
  prediction: null,
  /** The answer's "warnings" (field values the API could not use), shown with the rules' notes. */
  warnings: [],
  explainedGenre: null,
  showAll: false,
  /** Increases with every request, so a slow earlier answer never overwrites a later one. */
  requestSeq: 0,
};

// ---------------------------------------------------------------------------------------------------
// Talking to the server

class ApiError extends Error {
  constructor(message, status = 0) {
    super(message);
    this.status = status;
  }
}

/** Fetches JSON; throws an ApiError whose message is fit to show (the server's error.message for 4xx). */
async function api(path, body) {
  let response;
  try {
    response = await fetch(path, body === undefined
      ? { headers: { accept: 'application/json' } }
      : { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(`Could not reach the Plotline server (${error instanceof Error ? error.message : String(error)}). Check that it is running and try again.`);
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const message = payload?.error?.message ?? payload?.message ?? (typeof payload?.error === 'string' ? payload.error : null);
    const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    // 4xx (and 503, "still loading" or "shutting down") messages are written for people: show them as they are.
    if (message) throw new ApiError(response.status >= 500 && response.status !== 503 ? `Server error (${status}): ${message}` : message, response.status);
    throw new ApiError(`The server answered ${status}.`, response.status);
  }
  if (payload === null) throw new ApiError('The server sent an answer that is not JSON.');
  return payload;
}

// ---------------------------------------------------------------------------------------------------
// Formatting

const percent = (p) => `${(p * 100).toFixed(p >= 0.995 || p < 0.001 ? 0 : 1)}%`;
const metric = (value) => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(3) : 'not measured');

function signed(weight) {
  const text = Math.abs(weight).toFixed(4);
  return weight > 0 ? `+${text}` : weight < 0 ? `\u2212${text}` : text;
}

function formatDate(iso) {
  if (!iso) return 'unknown';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function formatSeconds(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '';
  if (seconds < 90) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'className') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'style') Object.assign(node.style, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

// ---------------------------------------------------------------------------------------------------
// Messages and loading state

function showError(heading, message) {
  els.error.replaceChildren(el('strong', {}, `${heading} `), el('span', { className: 'error-message' }, message));
  els.error.hidden = false;
}

function clearError() {
  els.error.hidden = true;
  els.error.replaceChildren();
}

function setBusy(busy, label = 'Classifying…') {
  els.button.disabled = busy;
  els.button.classList.toggle('busy', busy);
  els.buttonLabel.textContent = busy ? label : 'Classify';
  els.text.setAttribute('aria-busy', String(busy));
  els.results.classList.toggle('stale', busy);
  els.explanation.classList.toggle('stale', busy);
  document.body.classList.toggle('busy', busy);
}

// ---------------------------------------------------------------------------------------------------
// The model card

function thresholdFor(genre) {
  const model = state.model;
  if (!model?.thresholds) return null;
  const { global, perGenre, mode } = model.thresholds;
  if (mode === 'perGenre' && Array.isArray(perGenre)) {
    const index = model.genres.indexOf(genre);
    if (index >= 0 && typeof perGenre[index] === 'number') return perGenre[index];
  }
  return typeof global === 'number' ? global : null;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function loadModel() {
  try {
    let model;
    // The server answers 503 while the model is still loading: wait for it (up to about two minutes).
    for (let attempt = 0; ; attempt++) {
      try {
        model = await api('/v1/model');
        break;
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 503 || attempt >= 120) throw error;
        els.modelLoading.textContent = 'The model is loading on the server…';
        await sleep(1000);
      }
    }
    state.model = model;
    $('model-kind').textContent = model.kind ?? 'unknown';
    $('model-id').textContent = model.id ?? '';
    $('model-id').title = model.id ?? '';
    $('model-genres').textContent = Array.isArray(model.genres) ? String(model.genres.length) : 'unknown';
    const t = model.thresholds;
    $('model-thresholds').textContent = describeThresholds(t);
    renderModelFields(model);
    renderFieldInputs(model);
    const test = model.metrics?.test ?? null;
    $('model-micro').textContent = metric(test?.microF1);
    $('model-macro').textContent = metric(test?.macroF1);
    $('model-trained').textContent = formatDate(model.trainedAt);
    $('model-train-time').textContent = formatSeconds(model.trainSeconds) || 'unknown';
    els.modelLoading.hidden = true;
    els.modelInfo.hidden = false;
    // Results shown before the model card arrived get their threshold marks now.
    if (state.prediction) renderBars();
  } catch (error) {
    els.modelLoading.hidden = true;
    els.modelError.textContent = `Could not load the model's details: ${error.message}`;
    els.modelError.hidden = false;
  }
}

/** The model card's Fields and Genre rules rows. */
function renderModelFields(model) {
  const fields = Array.isArray(model.fields) ? model.fields : [];
  $('model-fields').textContent = fields.length === 0 ? 'description only' : fields.join(', ');
  const rules = model.rules;
  const items = [];
  if (rules && rules.familyField && Array.isArray(rules.families) && rules.families.length > 0) {
    items.push(el('li', {}, `Families by ${rules.familyField}: `,
      ...rules.families.flatMap((family, i) => [
        i > 0 ? ', ' : null,
        el('span', { className: 'family', title: family.genres.join(', ') }, `${family.value} (${family.genres.length} ${family.genres.length === 1 ? 'genre' : 'genres'})`),
      ])));
    items.push(el('li', {}, `When ${rules.familyField} is not given: ${UNKNOWN_FAMILY_RULES[rules.unknownFamily] ?? rules.unknownFamily}`));
  }
  if (rules && typeof rules.maxGenres === 'number') items.push(el('li', {}, `At most ${rules.maxGenres} ${rules.maxGenres === 1 ? 'genre' : 'genres'} per title`));
  const dd = $('model-rules');
  if (items.length === 0) dd.textContent = 'none';
  else dd.replaceChildren(el('ul', { className: 'rule-list' }, ...items));
}

/** The values the family field offers (sorted): the rules' families for it, else Movie / TV Show for `type`. */
function choiceValues(model, field) {
  const rules = model.rules;
  if (rules && rules.familyField === field && Array.isArray(rules.families) && rules.families.length > 0) {
    return rules.families.map((f) => f.value).sort((a, b) => a.localeCompare(b));
  }
  return field === 'type' ? DEFAULT_TYPES : null;
}

/** One input per field the model reads (none for a description-only model). */
function renderFieldInputs(model) {
  const fields = Array.isArray(model.fields) ? model.fields : [];
  const inputs = fields.map((field) => {
    const spec = FIELD_INPUTS[field] ?? { label: field.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()) };
    const id = `field-${field.replace(/[^a-z0-9_-]/gi, '-')}`;
    const values = choiceValues(model, field);
    if (values !== null) {
      // A radio group: arrow keys move between the values, and "unknown" leaves the field out.
      const options = [...values, ''].map((value, i) => el('label', { className: 'choice-option' },
        el('input', { type: 'radio', name: id, id: `${id}-${i}`, value, checked: value === '', dataset: { field } }),
        el('span', {}, value === '' ? 'unknown' : value)));
      return el('fieldset', { className: 'field field-choice', id }, el('legend', {}, spec.label), el('div', { className: 'choice' }, ...options));
    }
    const hintId = spec.hint ? `${id}-hint` : undefined;
    return el('div', { className: 'field' },
      el('label', { for: id }, spec.label, spec.hint ? el('span', { className: 'field-hint', id: hintId }, ` (${spec.hint})`) : null),
      el('input', {
        id,
        type: spec.type ?? 'text',
        name: field,
        placeholder: spec.placeholder,
        min: spec.min,
        max: spec.max,
        step: spec.type === 'number' ? 'any' : undefined,
        inputmode: spec.type === 'number' ? 'numeric' : undefined,
        autocomplete: 'off',
        'aria-describedby': hintId,
        dataset: { field },
      }));
  });
  els.fieldInputs.replaceChildren(...inputs);
  els.fields.hidden = inputs.length === 0;
}

/** The fields filled in on the page ({name: value}), empty ones left out; undefined when there are none. */
function currentFields() {
  const fields = {};
  for (const input of els.fieldInputs.querySelectorAll('input[data-field]')) {
    if (input.type === 'radio' && !input.checked) continue;
    const value = input.value.trim();
    if (value === '') continue;
    // Sent as typed: the API reads a year given as text as the model does, digit for digit (a JSON number
    // past 2^53 would not survive parsing), and says in "warnings" when it cannot use it.
    fields[input.dataset.field] = value;
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Results: one bar per genre, best first, with the threshold drawn on it

function sortedScores() {
  const { scores, top, genres } = state.prediction;
  if (scores && typeof scores === 'object') {
    return Object.entries(scores).map(([genre, score]) => ({ genre, score })).sort((a, b) => b.score - a.score);
  }
  return (top ?? genres).slice().sort((a, b) => b.score - a.score);
}

function renderBars() {
  const predicted = new Set(state.prediction.genres.map((g) => g.genre));
  const removed = new Set(state.prediction.removed ?? []);
  const all = sortedScores();
  // Always show every predicted genre, even past the top N.
  const shownCount = state.showAll ? all.length : Math.max(Math.min(TOP_N, all.length), all.findLastIndex((g) => predicted.has(g.genre)) + 1);
  const rows = all.slice(0, shownCount).map(({ genre, score }) => {
    const threshold = thresholdFor(genre);
    const above = threshold === null ? predicted.has(genre) : score >= threshold;
    const standIn = predicted.has(genre) && !above;
    const status = removed.has(genre) ? 'removed by the genre rules' : above ? 'above threshold' : standIn ? 'best guess, below threshold' : 'below threshold';
    const selected = genre === state.explainedGenre;
    const label = `${genre}: ${percent(score)}${threshold === null ? '' : `, threshold ${percent(threshold)}`}, ${status}${predicted.has(genre) ? ', predicted' : ''}. Show which words argued for or against it.`;
    return el('li', {},
      el('button', {
        type: 'button',
        className: `genre-row ${above ? 'above' : 'below'}${predicted.has(genre) ? ' predicted' : ''}${removed.has(genre) ? ' removed' : ''}${selected ? ' selected' : ''}`,
        'aria-pressed': String(selected),
        'aria-label': label,
        title: `${percent(score)}${threshold === null ? '' : ` (threshold ${percent(threshold)})`}: ${status}`,
        dataset: { genre, score: String(score), ...(threshold === null ? {} : { threshold: String(threshold) }) },
        onclick: () => explainGenre(genre),
      },
      el('span', { className: 'genre-name' }, genre),
      el('span', { className: 'bar', 'aria-hidden': 'true' },
        el('span', { className: 'fill', style: { width: `${Math.max(0, Math.min(1, score)) * 100}%` } }),
        threshold === null ? null : el('span', { className: 'tick', style: { left: `${Math.max(0, Math.min(1, threshold)) * 100}%` } })),
      el('span', { className: 'value' }, percent(score)),
      el('span', { className: 'status' }, removed.has(genre) ? 'removed' : above ? '✓ predicted' : standIn ? 'best guess' : '')));
  });
  els.bars.replaceChildren(...rows);

  els.predicted.replaceChildren(...state.prediction.genres.map((g) => el('span', { className: 'chip' }, g.genre, el('span', { className: 'chip-score' }, percent(g.score)))));
  renderRulesNotes();

  const hidden = all.length - shownCount;
  els.toggleAll.hidden = all.length <= TOP_N && !state.showAll;
  els.toggleAll.textContent = state.showAll ? `Show the top ${TOP_N} only` : `Show all ${all.length} genres (${hidden} more)`;
  els.toggleAll.setAttribute('aria-expanded', String(state.showAll));
}

/** What the genre rules did: the family they held the title to, and the genres they removed. */
function renderRulesNotes() {
  const { family, removed } = state.prediction;
  const field = state.model?.rules?.familyField ?? 'family field';
  if (family && typeof family.value === 'string') {
    const how = family.given
      ? `(its ${field}, as given)`
      : `(${field} not given: ${UNKNOWN_FAMILY_RULES[state.model?.rules?.unknownFamily] ?? 'chosen by the rules'})`;
    els.familyNote.replaceChildren('Held to the ', el('strong', { className: 'family-value' }, family.value), ` genres ${how}.`);
    els.familyNote.hidden = false;
  } else {
    els.familyNote.hidden = true;
  }
  if (Array.isArray(removed) && removed.length > 0) {
    els.removedNote.textContent = `Removed by the genre rules: ${removed.join(', ')}.`;
    els.removedNote.hidden = false;
  } else {
    els.removedNote.hidden = true;
  }
  // The API's warnings: field values it could not use (scored as missing), each naming the value.
  const warnings = Array.isArray(state.warnings) ? state.warnings : [];
  if (warnings.length > 0) {
    els.warningsNote.replaceChildren(el('strong', {}, 'Not used: '), ...warnings.flatMap((w, i) => (i === 0 ? [w] : [el('br'), w])));
    els.warningsNote.hidden = false;
  } else {
    els.warningsNote.hidden = true;
  }
}

// ---------------------------------------------------------------------------------------------------
// Explanation: the description with each word tinted by its weight

function renderExplanation(explanation) {
  state.explainedGenre = explanation.genre;
  els.explainedGenre.textContent = explanation.genre;
  const threshold = thresholdFor(explanation.genre);
  // As the bars say: a predicted genre below its threshold is the best guess (no genre passed its threshold).
  const predictedGenres = new Set((state.prediction?.genres ?? []).map((g) => g.genre));
  const bestGuess = predictedGenres.has(explanation.genre) && threshold !== null && explanation.score < threshold;
  els.explainedScore.textContent = `probability ${percent(explanation.score)}${threshold === null ? '' : ` · threshold ${percent(threshold)}`}${bestGuess ? ' · best guess: no genre passes its threshold' : ''}`;

  const text = state.text;
  const words = explanation.words.slice().sort((a, b) => a.start - b.start);
  const maxAbs = Math.max(1e-9, ...words.map((w) => Math.abs(w.weight)));
  const nodes = [];
  let at = 0;
  for (const w of words) {
    if (w.start < at) continue;
    if (w.start > at) nodes.push(document.createTextNode(text.slice(at, w.start)));
    const strength = Math.abs(w.weight) / maxAbs;
    const direction = w.weight > 0 ? 'for' : w.weight < 0 ? 'against' : 'neutral';
    const alpha = strength < 0.02 ? 0 : 0.1 + 0.6 * strength;
    nodes.push(el('span', {
      className: `word ${direction}${strength > 0.6 ? ' strong' : ''}`,
      title: `"${w.word}": weight ${signed(w.weight)} (${direction === 'neutral' ? 'no effect on' : direction}) ${explanation.genre}`,
      dataset: { weight: String(w.weight) },
      style: { backgroundColor: direction === 'for' ? `rgba(26, 135, 84, ${alpha})` : direction === 'against' ? `rgba(200, 45, 45, ${alpha})` : 'transparent' },
    }, text.slice(w.start, w.end)));
    at = w.end;
  }
  if (at < text.length) nodes.push(document.createTextNode(text.slice(at)));
  els.explainedText.replaceChildren(...nodes);
  els.explanation.hidden = false;
}

// ---------------------------------------------------------------------------------------------------
// Actions

async function classify() {
  const text = els.text.value;
  const fields = currentFields();
  const seq = ++state.requestSeq;
  clearError();
  setBusy(true);
  try {
    const answer = await api('/v1/predict', { text, ...(fields ? { fields } : {}), scores: true, explain: true });
    if (seq !== state.requestSeq) return;
    const prediction = answer.predictions?.[0];
    if (!prediction) throw new ApiError('The server returned no prediction.');
    state.text = text;
    state.fields = fields;
    state.prediction = prediction;
    state.warnings = answer.warnings ?? [];
    state.explainedGenre = prediction.explanation?.genre ?? null;
    state.showAll = false;
    renderBars();
    els.results.hidden = false;
    if (prediction.explanation) renderExplanation(prediction.explanation);
    else els.explanation.hidden = true;
  } catch (error) {
    if (seq !== state.requestSeq) return;
    // The shown results belong to another text; hide them rather than leave them beside the error.
    els.results.hidden = true;
    els.explanation.hidden = true;
    state.prediction = null;
    showError('Could not classify:', error.message);
  } finally {
    if (seq === state.requestSeq) setBusy(false);
  }
}

async function explainGenre(genre) {
  if (!state.prediction) return;
  const seq = ++state.requestSeq;
  clearError();
  setBusy(true, 'Explaining…');
  try {
    const answer = await api('/v1/predict', { text: state.text, ...(state.fields ? { fields: state.fields } : {}), scores: true, explain: genre });
    if (seq !== state.requestSeq) return;
    const explanation = answer.predictions?.[0]?.explanation;
    if (!explanation) throw new ApiError(`The server returned no explanation for ${genre}.`);
    renderExplanation(explanation);
    renderBars();
    els.explanation.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  } catch (error) {
    if (seq !== state.requestSeq) return;
    showError(`Could not explain ${genre}:`, error.message);
  } finally {
    if (seq === state.requestSeq) setBusy(false);
  }
}

function renderExamples() {
  els.examples.replaceChildren(...EXAMPLES.map((example) => el('li', {},
    el('button', {
      type: 'button',
      className: 'example',
      title: example.text,
      onclick: () => {
        els.text.value = example.text;
        classify();
      },
    }, example.label))));
}

els.form.addEventListener('submit', (event) => {
  event.preventDefault();
  classify();
});
els.text.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    if (!els.button.disabled) classify();
  }
});
els.toggleAll.addEventListener('click', () => {
  state.showAll = !state.showAll;
  renderBars();
});

renderExamples();
loadModel();

/**
 * The model's thresholds in a few words (GET /v1/model's `thresholds`): one global threshold, per
 * genre, or prior-shifted (a base threshold moved by a fraction of each genre's training log-odds).
 */
function describeThresholds(t) {
  if (!t) return 'unknown';
  if (t.mode !== 'perGenre' || !Array.isArray(t.perGenre) || t.perGenre.length === 0) return `global ${Number(t.global).toFixed(2)}${goalOf(t)}`;
  const range = `${Math.min(...t.perGenre).toFixed(2)}-${Math.max(...t.perGenre).toFixed(2)}`;
  const goal = goalOf(t);
  if (typeof t.priorShift === 'number') return `prior-shifted: base ${Number(t.global).toFixed(2)}, shift ${t.priorShift} (${range} per genre)${goal}`;
  return `tuned per genre (${range})${goal}`;
}

/** What the thresholds were chosen for, when the model says (`thresholds.objective`): ", for micro-F1". */
function goalOf(t) {
  return t.objective === 'mean' ? ', for the mean of micro- and macro-F1' : typeof t.objective === 'string' ? `, for ${t.objective}-F1` : '';
}
