/**
 * The zod schema of a model's genre-set rules (the manifest's `catalogue.rules`), apart from
 * genre-rules.ts so that applying the rules (every scoring path, worker threads included) does not
 * import zod; only reading a manifest does.
 */
import { z } from 'zod';
import { UNKNOWN_FAMILY_RULES, type GenreRules } from './genre-rules.js';

/** Validates GenreRules (see its fields there). */
export const GenreRulesSchema = z.object({
  familyField: z.string().nullable(),
  families: z.array(z.object({ value: z.string(), genres: z.array(z.string()) })),
  unknownFamily: z.enum(UNKNOWN_FAMILY_RULES),
  maxGenres: z.number().int().positive().nullable(),
}) satisfies z.ZodType<GenreRules>;
