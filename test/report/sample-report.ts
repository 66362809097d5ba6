/**
 * A synthetic `CompareReport` for the report tests: three models (two scored, one failed, each best at
 * a different column so bolding is tested), seeded pseudo-random but plausible scores, and a genre whose
 * name holds a comma, an ampersand, quotes, `<`, `|` and `*` to test escaping in every output format.
 */
import type { ComparedModel, CompareReport, EpochPoint } from '../../src/report/report-data.js';
import { createRng, type Rng } from '../../src/util/random.js';

/** The genre with every character that Markdown, HTML or SVG must escape. */
export const AWKWARD_GENRE = 'Cult, "B" & <Midnight> | *Movies*';

export const SMALL_GENRES = ['International Movies', 'Dramas', 'Comedies', 'Action & Adventure', AWKWARD_GENRE, 'Documentaries'];

/** The catalogue's 42 genres, for a full-size sample (chart layout with long names). */
export const CATALOGUE_GENRES = [
  'International Movies', 'Dramas', 'Comedies', 'International TV Shows', 'Documentaries', 'Action & Adventure',
  'TV Dramas', 'Independent Movies', 'Children & Family Movies', 'Romantic Movies', 'TV Comedies', 'Thrillers',
  'Crime TV Shows', "Kids' TV", 'Docuseries', 'Romantic TV Shows', 'Stand-Up Comedy', 'Music & Musicals',
  'Horror Movies', 'British TV Shows', 'Reality TV', 'Sci-Fi & Fantasy', 'Korean TV Shows', 'Sports Movies',
  'Anime Series', 'Spanish-Language TV Shows', 'TV Action & Adventure', 'Stand-Up Comedy & Talk Shows',
  'Teen TV Shows', 'LGBTQ Movies', 'TV Mysteries', 'Faith & Spirituality', 'Science & Nature TV', AWKWARD_GENRE,
  'Anime Features', 'TV Horror', 'TV Sci-Fi & Fantasy', 'Classic Movies', 'Movies', 'TV Thrillers',
  'Classic & Cult TV', 'TV Shows',
];

export const FAILURE = 'out of memory allocating a 1.2 GB <conv1d> tensor | retry with --batch-size 32 & "--filters 64"';

function history(rng: Rng, epochs: number, peakMicro: number, peakMacro: number, bestEpoch: number): EpochPoint[] {
  return Array.from({ length: epochs }, (_, i) => {
    const epoch = i + 1;
    // Rises to the best epoch, then drifts down a little: what early stopping sees.
    const shape = epoch <= bestEpoch ? 1 - 0.6 * ((bestEpoch - epoch) / bestEpoch) ** 1.5 : 1 - 0.015 * (epoch - bestEpoch);
    return {
      epoch,
      loss: 0.3 / epoch + 0.05,
      valMicroF1: peakMicro * shape - (epoch === bestEpoch ? 0 : 0.004 * rng.next()),
      valMacroF1: peakMacro * shape - (epoch === bestEpoch ? 0 : 0.004 * rng.next()),
    };
  });
}

function thresholdCurve(rng: Rng, strength: number): NonNullable<ComparedModel['test']>['thresholdCurve'] {
  const curve = [];
  for (let step = 1; step <= 19; step++) {
    const threshold = step / 20;
    const microPrecision = Math.min(0.95, 0.12 + strength * threshold ** 0.7 + 0.01 * rng.next());
    const microRecall = Math.max(0.01, (1 - threshold) ** (2.2 - strength));
    const microF1 = (2 * microPrecision * microRecall) / (microPrecision + microRecall);
    curve.push({ threshold, microPrecision, microRecall, microF1 });
  }
  return curve;
}

function scored(rng: Rng, genres: number, base: { micro: number; macro: number; strength: number }): NonNullable<ComparedModel['test']> {
  return {
    atHalf: { microF1: base.micro - 0.03, macroF1: base.macro - 0.07, samplesF1: base.micro - 0.05 },
    tuned: { microF1: base.micro, macroF1: base.macro, samplesF1: base.micro - 0.02 },
    microF1Interval: { low: base.micro - 0.016, high: base.micro + 0.017 },
    precisionAt1: base.micro + 0.15,
    lrap: base.micro + 0.1,
    macroAuc: 0.8 + base.strength / 10,
    perGenreF1: Array.from({ length: genres }, (_, g) => Math.max(0, Math.min(1, base.micro + 0.25 - (0.5 * g) / genres + 0.1 * (rng.next() - 0.5)))),
    thresholdCurve: thresholdCurve(rng, base.strength),
  };
}

/** A report over `genres` (default: six, one awkward): bag best on tuned micro-F1, use best on tuned macro-F1. */
export function sampleReport(genres: string[] = SMALL_GENRES): CompareReport {
  const rng = createRng(7);
  const trainCounts = genres.map((_, g) => Math.round(1800 / (1 + g * 0.6)) + rng.int(20));
  const testCounts = trainCounts.map((n) => Math.round(n * 0.25) + rng.int(6));
  return {
    createdAt: '2026-11-24T10:11:12.000Z',
    data: { file: '/home/someone/data/netflix_titles.csv', sha256: '3f5a0c9e1b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a', split: 'data/split.csv', trainSize: 4231, validationSize: 743, testSize: 1260 },
    seed: 42,
    genres,
    genreCounts: { train: trainCounts, test: testCounts },
    models: [
      {
        name: 'bag',
        kind: 'bag',
        status: 'ok',
        test: scored(rng, genres.length, { micro: 0.449, macro: 0.283, strength: 0.75 }),
        history: history(rng, 9, 0.43, 0.236, 5),
        bestEpoch: 5,
        rules: { familyField: 'type', familyGiven: false, unknownFamily: 'total', maxGenres: 3 },
        trainSeconds: 51.43,
        predictionsPerSecond: 15636.4,
        parameters: { trained: 25_247_915, frozen: 0 },
        sizeBytes: 101_013_512,
        modelDir: 'models/compare/bag',
      },
      { name: 'cnn', kind: 'cnn', status: 'failed', error: FAILURE },
      {
        name: 'use',
        kind: 'use',
        status: 'ok',
        test: scored(rng, genres.length, { micro: 0.431, macro: 0.301, strength: 0.65 }),
        history: history(rng, 12, 0.41, 0.27, 8),
        bestEpoch: 8,
        rules: null,
        trainSeconds: 12.04,
        embeddingsCached: true,
        predictionsPerSecond: 412.9,
        parameters: { trained: 44_586, frozen: 26_954_368 },
        sizeBytes: 183_211,
      },
    ],
    versions: { plotline: '0.1.0', tfjs: '4.22.0', node: 'v20.20.2' },
    seconds: 612.5,
  };
}
