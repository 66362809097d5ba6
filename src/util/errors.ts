/**
 * An error a user can act on: it names the file, and where known the line and field, and says
 * what was expected. The CLI prints these without a stack trace.
 */
export class PlotlineError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;

  constructor(message: string, where: { file?: string; line?: number; field?: string } = {}) {
    super(PlotlineError.format(message, where));
    this.name = 'PlotlineError';
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
  }

  private static format(message: string, where: { file?: string; line?: number; field?: string }): string {
    const parts: string[] = [];
    if (where.file !== undefined) parts.push(where.file);
    if (where.line !== undefined) parts.push(`line ${where.line}`);
    // A command-line option (`--data`) is named as it is typed; a column or JSON field as a field.
    if (where.field !== undefined) parts.push(where.field.startsWith('--') ? where.field : `field "${where.field}"`);
    return parts.length > 0 ? `${parts.join(', ')}: ${message}` : message;
  }
}

/** An error's message on one line, for a report row or a summary (whatever was thrown). */
export function oneLineMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
}
