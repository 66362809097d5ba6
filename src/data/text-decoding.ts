/**
 * Reading an input file as text, never silently wrong: UTF-8 (with or without a BOM) is decoded
 * strictly, so a Latin-1 or Windows-1252 export fails naming the first line with bytes that are not
 * UTF-8 instead of turning accented letters into U+FFFD; UTF-16 with a BOM is decoded as UTF-16, so
 * its line numbers are the editor's; a file with NUL bytes in it is refused as binary. Also what
 * error messages need to quote text from a file safely (control characters escaped, long text cut).
 */
import { open } from 'node:fs/promises';
import { PlotlineError } from '../util/errors.js';

const CHUNK = 64 * 1024;

/**
 * The file's text, chunk by chunk, BOM removed.
 *
 * @throws PlotlineError naming the file and line of the first byte sequence that is not UTF-8, or
 *   saying the file looks binary (NUL bytes) in a UTF-8 file.
 */
export async function* decodedText(path: string): AsyncGenerator<string> {
  const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new PlotlineError(`cannot read the file (${err.code ?? err.message})`, { file: path });
  });
  try {
    const buffer = Buffer.alloc(CHUNK);
    let first = true;
    let decoder: TextDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
    let utf8 = true;
    let line = 1;
    // Bytes of an incomplete UTF-8 sequence at the end of the last chunk, re-checked with the next.
    let carry = Buffer.alloc(0);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      let bytes: Buffer = buffer.subarray(0, bytesRead);
      if (first) {
        first = false;
        if (bytes[0] === 0xff && bytes[1] === 0xfe) ({ decoder, utf8 } = { decoder: new TextDecoder('utf-16le'), utf8: false });
        else if (bytes[0] === 0xfe && bytes[1] === 0xff) ({ decoder, utf8 } = { decoder: new TextDecoder('utf-16be'), utf8: false });
      }
      if (utf8) {
        bytes = Buffer.concat([carry, bytes]);
        const bad = firstInvalidUtf8(bytes);
        if (bad.invalid >= 0 || bad.nul >= 0) {
          throw notUtf8Error(bytes, bad, path, line);
        }
        const complete = bytes.length - bad.incomplete;
        line += countNewlines(bytes, 0, complete);
        carry = Buffer.from(bytes.subarray(complete));
        yield decoder.decode(bytes.subarray(0, complete), { stream: true });
      } else {
        yield decoder.decode(bytes, { stream: true });
      }
    }
    if (carry.length > 0) {
      throw new PlotlineError('ends in the middle of a UTF-8 character: the file is cut short or not UTF-8', { file: path, line });
    }
    const rest = decoder.decode();
    if (rest !== '') yield rest;
  } finally {
    await handle.close();
  }
}

/** The error for the first bad byte or NUL `bad` found in `bytes`, whose first byte is on LF-counted line `line`. */
function notUtf8Error(bytes: Uint8Array, bad: { invalid: number; nul: number }, path: string, line: number): PlotlineError {
  const at = bad.invalid >= 0 ? bad.invalid : bad.nul;
  const where = line + countNewlines(bytes, 0, at);
  if (bad.invalid >= 0 && (bad.nul < 0 || bad.invalid < bad.nul)) {
    return new PlotlineError(
      `has bytes that are not UTF-8 on this line (0x${bytes[at].toString(16).padStart(2, '0')}; a Latin-1 or Windows-1252 export?); save it as UTF-8, e.g. iconv -f latin1 -t utf-8`,
      { file: path, line: where },
    );
  }
  return new PlotlineError('holds NUL bytes: it looks like a binary file, not CSV, TSV or JSON Lines text', { file: path, line: where });
}

/**
 * A slice of a UTF-8 file's bytes (whole lines, no BOM: csv-slices.ts) as text, checked as strictly as
 * `decodedText` checks the whole file, with the same errors. `line` is the slice's first line counted
 * as `decodedText` counts (1 + LF bytes before it).
 *
 * @throws PlotlineError naming `path` and the line of the first byte that is not UTF-8, or of a NUL byte.
 */
export function decodeUtf8Slice(bytes: Uint8Array, path: string, line: number): string {
  const bad = firstInvalidUtf8(bytes);
  if (bad.invalid >= 0 || bad.nul >= 0) throw notUtf8Error(bytes, bad, path, line);
  if (bad.incomplete > 0) throw new PlotlineError('ends in the middle of a UTF-8 character: the file is cut short or not UTF-8', { file: path, line: line + countNewlines(bytes, 0, bytes.length) });
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

function countNewlines(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (bytes[i] === 10) n++;
  return n;
}

/**
 * Scans UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF): the offset of the first
 * invalid sequence and of the first NUL byte (-1 when none), and how many bytes at the end start a
 * sequence the chunk cuts short.
 */
export function firstInvalidUtf8(bytes: Uint8Array): { invalid: number; nul: number; incomplete: number } {
  let nul = -1;
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      if (b === 0 && nul < 0) nul = i;
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) ((need = 1), (min = 0x80));
    else if (b >= 0xe0 && b <= 0xef) ((need = 2), (min = 0x800));
    else if (b >= 0xf0 && b <= 0xf4) ((need = 3), (min = 0x10000));
    else return { invalid: i, nul, incomplete: 0 };
    if (i + need >= n) {
      // The sequence runs past the chunk: valid so far?
      for (let j = i + 1; j < n; j++) if ((bytes[j] & 0xc0) !== 0x80) return { invalid: i, nul, incomplete: 0 };
      return { invalid: -1, nul, incomplete: n - i };
    }
    let cp = b & (0xff >> (need + 2));
    for (let j = 1; j <= need; j++) {
      const c = bytes[i + j];
      if ((c & 0xc0) !== 0x80) return { invalid: i, nul, incomplete: 0 };
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return { invalid: i, nul, incomplete: 0 };
    i += need + 1;
  }
  return { invalid: -1, nul, incomplete: 0 };
}

/**
 * Text from a file, fit to quote in an error message: control characters and escape sequences
 * shown escaped (never sent raw to a terminal), cut to `max` characters with an ellipsis.
 */
export function printable(text: string, max = 60): string {
  const escaped = JSON.stringify(text.length > max * 2 ? text.slice(0, max * 2) : text).slice(1, -1).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}
