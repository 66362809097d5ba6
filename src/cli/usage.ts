/**
 * How the `plotline` command talks about mistakes, in one style for every command:
 * - every error is one `error: ...` line on stderr (commander's usage errors and Plotline's own
 *   alike); a usage error is followed by one hint line, `(see plotline <command> --help)`, rather than
 *   the whole help, which buried the error;
 * - required options say "(required)" in `--help`;
 * - an unexpected error (a bug, not bad input) also prints its stack, to be reported.
 */
import { Help, type Command, type Option } from 'commander';
import { PlotlineError } from '../util/errors.js';

/**
 * Applies the rules above to `program` and each of its subcommands (call it once every command is
 * defined). `writeErr` receives commander's error and help-hint output (default: stderr).
 */
export function configureUsage(program: Command, writeErr: (text: string) => void = (text) => process.stderr.write(text)): Command {
  for (const command of [program, ...program.commands]) {
    const path = command === program ? program.name() : `${program.name()} ${command.name()}`;
    command.showHelpAfterError(`(see ${path} --help)`);
    command.configureHelp({ optionDescription: describeOption });
    command.configureOutput({ writeErr, outputError: (text, write) => write(text) });
  }
  return program;
}

/** commander's description of an option, with "(required)" added for a mandatory one. */
function describeOption(this: Help, option: Option): string {
  const base = Help.prototype.optionDescription.call(this, option);
  return option.mandatory ? `${base} (required)` : base;
}

/**
 * A misuse of a command's arguments or options that commander cannot see (options that do not go
 * together, a missing text): printed like commander's own usage errors, with the help hint.
 */
export class UsageError extends PlotlineError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The text to print for an error thrown while running a command: `error: <message>` for input the
 * user can fix (a PlotlineError, or an invalid --config that zod rejected), plus the stack for any
 * other error. A UsageError gets the `(see <command> --help)` hint when `command` ("plotline predict")
 * is known.
 */
export function errorText(error: unknown, command?: string): string {
  if (error instanceof UsageError && command !== undefined) return `error: ${error.message}\n(see ${command} --help)\n`;
  if (error instanceof PlotlineError) return `error: ${error.message}\n`;
  if (error instanceof Error && error.name === 'ZodError') {
    const issues = (error as Error & { issues?: { path: (string | number)[]; message: string }[] }).issues ?? [];
    const text = issues.length === 0 ? error.message : issues.map((i) => (i.path.length === 0 ? i.message : `"${i.path.join('.')}": ${i.message}`)).join('; ');
    return `error: invalid --config: ${text}\n`;
  }
  if (error instanceof Error) {
    // The stack's own first line repeats the message ("TypeError: ..."): keep only the frames.
    const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
    return `error: ${error.name === 'Error' ? '' : `${error.name}: `}${error.message}\n${frames.map((f) => `${f}\n`).join('')}`;
  }
  return `error: ${String(error)}\n`;
}
