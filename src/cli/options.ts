/** Parsers for option values shared by the commands; each says what it expected. */
import { InvalidArgumentError } from 'commander';
import { BACKENDS, isBackendName, type BackendName } from '../engine/backend-names.js';
import { UsageError } from './usage.js';

/**
 * `value` as a number, or null when it is not a plain finite decimal: blank or whitespace-only
 * (`Number("")` and `Number(" ")` are 0), `Infinity`, `NaN`, hexadecimal/binary/octal literals and
 * trailing junk are all refused. Accepted: an optional sign, digits with an optional fraction, an
 * optional exponent ("3", "-0.5", ".25", "1e-3").
 */
export function decimal(value: string): number | null {
  if (!/^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/.test(value)) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A whole number >= min. */
export function integer(min: number) {
  return (value: string): number => {
    const n = decimal(value);
    if (n === null || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number >= ${min}, got "${value}"`);
    return n;
  };
}

/**
 * A count written as plain digits, >= 1 (`--max-genres`): "3" but not "1e3", "2.0", "0" or "-1", so
 * an exponent or a fraction never slips through as a surprising whole number.
 */
export function positiveInteger(value: string): number {
  const n = /^\s*\+?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer (1, 2, 3, ...), got "${value}"`);
  return n;
}

/** A TCP port, 0 (any free port) to 65535. */
export function port(value: string): number {
  const n = decimal(value);
  if (n === null || !Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a TCP port from 0 to 65535, got "${value}"`);
  return n;
}

/** A finite number > 0. */
export function positiveNumber(value: string): number {
  const n = decimal(value);
  if (n === null || n <= 0) throw new InvalidArgumentError(`expected a number > 0, got "${value}"`);
  return n;
}

/** A number from 0 to 1 inclusive (a threshold). */
export function probability(value: string): number {
  const n = decimal(value);
  if (n === null || n < 0 || n > 1) throw new InvalidArgumentError(`expected a number from 0 to 1, got "${value}"`);
  return n;
}

/** A share strictly between 0 and 1 (a fold of 0 or of everything is no fold). */
export function openFraction(value: string): number {
  const n = decimal(value);
  if (n === null || n <= 0 || n >= 1) throw new InvalidArgumentError(`expected a number between 0 and 1 (exclusive), got "${value}"`);
  return n;
}

/** `--encoder` and `--allow-download` of the commands that load a saved model. */
export interface EncoderLocationOptions {
  encoder?: string;
  allowDownload?: boolean;
}

export function backendName(value: string): BackendName {
  if (!isBackendName(value)) throw new InvalidArgumentError(`expected one of ${BACKENDS.join(', ')}, got "${value}"`);
  return value;
}

export function jsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError(`expected a JSON object, e.g. '{"filters":96}', got "${value}"`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidArgumentError('expected a JSON object');
  return parsed as Record<string, unknown>;
}

/**
 * `--config` with `--word-vectors PATH` and `--freeze-embeddings` folded in as the word kinds' `wordVectors`
 * and `freezeEmbeddings` settings (a flag wins over the same key in --config). Throws a UsageError for
 * --freeze-embeddings without vectors to freeze.
 */
export function withWordVectors(config: Record<string, unknown> | undefined, wordVectors: string | undefined, freeze: boolean): Record<string, unknown> | undefined {
  if (freeze && wordVectors === undefined && typeof config?.wordVectors !== 'string') {
    throw new UsageError('--freeze-embeddings needs --word-vectors PATH (there is no pretrained embedding to freeze)');
  }
  if (wordVectors === undefined && !freeze) return config;
  return { ...config, ...(wordVectors === undefined ? {} : { wordVectors }), ...(freeze ? { freezeEmbeddings: true } : {}) };
}
