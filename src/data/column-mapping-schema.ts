/**
 * The zod schema of a ColumnMapping (the manifest's `columns`), apart from columns.ts so that reading
 * input rows (worker threads included) does not import zod; only reading a manifest does.
 */
import { z } from 'zod';
import { LABEL_SEPARATORS } from './labels.js';
import type { ColumnMapping } from './columns.js';

/** Validates a ColumnMapping (non-empty column names; a known label separator or null). */
export const ColumnMappingSchema = z.object({
  text: z.string().min(1),
  labels: z.string().min(1).nullable(),
  id: z.string().min(1).nullable(),
  labelSeparator: z.enum(LABEL_SEPARATORS).nullable(),
}) satisfies z.ZodType<ColumnMapping>;
