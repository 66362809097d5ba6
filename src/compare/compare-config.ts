/**
 * What `plotline compare` runs: one data file and split, one seed, and a list of models, each a model
 * kind with its settings or an ensemble of models listed before it. Given as JSON (--config) or built
 * from flags; validated here so a typo fails before any training starts.
 */
import { readJsonFile } from '../util/json-file.js';
import { z } from 'zod';
import { PlotlineError } from '../util/errors.js';
import { TRAINABLE_KIND_NAMES, kindConfigSchema, kindNeedsEncoder } from '../models/kinds.js';
import { LOSSES } from '../models/losses.js';
import { MONITORS } from '../models/training-settings.js';
import { THRESHOLD_OBJECTIVES } from '../models/thresholds.js';

const TrainedModelSpec = z
  .object({
    /** Row label in the report; defaults to the kind. */
    name: z.string().min(1).optional(),
    kind: z.string().refine((k) => TRAINABLE_KIND_NAMES.includes(k), { message: `must be one of ${TRAINABLE_KIND_NAMES.join(', ')}` }),
    /** The kind's network/encoder settings (as `train --config`). */
    config: z.record(z.string(), z.unknown()).optional(),
    /** Encoder + head kinds: a folder or hub id (`onnx`), or a USE folder (`use`; default the npm package). */
    encoder: z.string().min(1).optional(),
    epochs: z.number().int().positive().optional(),
    batchSize: z.number().int().positive().optional(),
    learningRate: z.number().positive().optional(),
    patience: z.number().int().positive().optional(),
    loss: z.enum(LOSSES).optional(),
    monitor: z.enum(MONITORS).optional(),
    /** Weigh each genre's positives in binary cross-entropy (as `train --positive-weights on|off`). */
    positiveWeights: z.boolean().optional(),
  })
  .strict();

const EnsembleSpec = z
  .object({
    name: z.string().min(1).optional(),
    /** Names of models listed earlier; their probabilities are averaged (weights tuned on validation). */
    ensemble: z.array(z.string().min(1)).min(2),
  })
  .strict();

export const CompareConfigSchema = z
  .object({
    data: z.string().min(1).optional(),
    split: z.string().min(1).optional(),
    seed: z.number().int().min(0).optional(),
    validationFraction: z.number().gt(0).lt(1).optional(),
    /**
     * Which inputs every model is compared on: "description" (the 2020 write-up's question) and
     * "fields" (description + catalogue fields: the user's). Default: both when the data has fields.
     */
    tracks: z.array(z.enum(['description', 'fields'])).min(1).optional(),
    /** The fields of the "fields" track (default: the usual catalogue fields the data has). */
    fields: z.array(z.string().min(1)).optional(),
    /**
     * What every model's decision thresholds are chosen for on validation (as `--threshold-objective`,
     * which overrides it; default `mean` of micro- and macro-F1, evaluation/decision-thresholds.ts).
     */
    thresholdObjective: z.enum(THRESHOLD_OBJECTIVES).optional(),
    models: z.array(z.union([TrainedModelSpec, EnsembleSpec])).min(1),
  })
  .strict();

export type TrainedModelSpec = z.infer<typeof TrainedModelSpec> & { name: string };
export type EnsembleSpec = z.infer<typeof EnsembleSpec> & { name: string };
export type ModelSpec = TrainedModelSpec | EnsembleSpec;
export type CompareConfig = Omit<z.infer<typeof CompareConfigSchema>, 'models'> & { models: ModelSpec[] };

export function isEnsemble(spec: ModelSpec): spec is EnsembleSpec {
  return 'ensemble' in spec;
}

/** Validates a config object: names default to the kind (or members joined by "+") and must be unique; ensembles name earlier models. */
export function parseCompareConfig(raw: unknown, file = '(flags)'): CompareConfig {
  const parsed = CompareConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = branchIssue(parsed.error.issues[0], raw);
    throw new PlotlineError(`${issue.message} (expected a compare config)`, { file, field: issue.path.join('.') || undefined });
  }
  const seen = new Set<string>();
  const models = parsed.data.models.map((m, i): ModelSpec => {
    const name = m.name ?? ('ensemble' in m ? m.ensemble.join('+') : m.kind);
    if (seen.has(name)) throw new PlotlineError(`two models are named "${name}"; give one a "name"`, { file, field: `models.${i}.name` });
    if ('ensemble' in m) {
      const unknown = m.ensemble.find((member) => !seen.has(member));
      if (unknown !== undefined) throw new PlotlineError(`ensemble member "${unknown}" is not a model listed before it`, { file, field: `models.${i}.ensemble` });
    } else {
      checkTrainedSpec(m, i, file);
    }
    seen.add(name);
    return { ...m, name } as ModelSpec;
  });
  return { ...parsed.data, models };
}

/** What only the kind can tell, checked before any model trains: its config, and an encoder where it needs one. */
function checkTrainedSpec(spec: z.infer<typeof TrainedModelSpec>, index: number, file: string): void {
  if (kindNeedsEncoder(spec.kind) && spec.encoder === undefined) {
    throw new PlotlineError(`kind "${spec.kind}" needs "encoder": a folder in the Hugging Face layout or a hub id`, { file, field: `models.${index}.encoder` });
  }
  const checked = kindConfigSchema(spec.kind)?.safeParse(spec.config ?? {});
  if (checked !== undefined && !checked.success) {
    const issue = checked.error.issues[0];
    throw new PlotlineError(`${issue.message} (expected ${spec.kind} settings)`, { file, field: ['models', index, 'config', ...issue.path].join('.') });
  }
}

/**
 * A model entry matching neither kind of spec fails the union with a bare "Invalid input"; report the
 * first issue of the spec it was meant as instead (an ensemble if it has "ensemble", else a trained model).
 */
function branchIssue(issue: z.core.$ZodIssue, raw: unknown): { message: string; path: PropertyKey[] } {
  if (issue.code !== 'invalid_union' || issue.errors.length !== 2) return issue;
  const entry = issue.path.reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined), raw);
  const inner = issue.errors[typeof entry === 'object' && entry !== null && 'ensemble' in entry ? 1 : 0][0];
  return inner === undefined ? issue : { message: inner.message, path: [...issue.path, ...inner.path] };
}

export async function readCompareConfig(file: string): Promise<CompareConfig> {
  return parseCompareConfig(await readJsonFile(file, { readError: (code) => `cannot be read (${code})` }), file);
}

/**
 * `--models bag,cnn,use,bag+use`: each entry is a kind, or members joined by "+" (an ensemble of
 * models listed before it).
 */
export function modelsFromList(list: string): ModelSpec[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => (entry.includes('+') ? { name: entry, ensemble: entry.split('+') } : { name: entry, kind: entry }));
}
