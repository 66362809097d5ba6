/**
 * A CSV file cut into slices of whole records, as bytes, so that several threads can each decode and
 * parse their own slice with the same reader as the whole file (`readPredictionInput` with `slice`):
 * `predict --input --workers N` then leaves the reading thread only this byte scan.
 *
 * Each slice is parsed behind a copy of the file's header, and carries what the sequential reader
 * would know when it reached it: the physical line its first byte is on (line breaks counted as
 * `countLineBreaks` does) and how many data records came before it (blank records not counted, as
 * `openCsv` skips them), so every row keeps the line and row number of a sequential read.
 *
 * Records are found by quote parity: a record ends at the file's record delimiter outside double
 * quotes. csv-parse takes the first line break outside quotes as the delimiter for the whole file, so
 * the scan does too. Files this cannot follow are left to the sequential reader (`openCsvSlices`
 * returns null): UTF-16, a first line break that is a lone CR, a header that is not strict UTF-8 or
 * longer than the first block. A malformed record (an unclosed quote) ends up in one slice, whose
 * parse then fails at the same line as the sequential read would.
 */
import { open } from 'node:fs/promises';
import { firstInvalidUtf8 } from './text-decoding.js';
import { countLineBreaks } from './csv.js';

/** Bytes read at a time. */
const BLOCK = 1 << 20;

/** One slice of whole records. */
export interface CsvSlice {
  /** The records' bytes (UTF-8, not yet checked), in a buffer of their own (transferable). */
  bytes: Uint8Array;
  /** Physical line (1-based) of the slice's first byte, line breaks counted as `countLineBreaks` does. */
  firstLine: number;
  /** 1 + the LF bytes before the slice: the line `decodedText` names for a bad byte. */
  firstLfLine: number;
  /** Non-blank data records before the slice (the header not counted). */
  rowsBefore: number;
}

export interface CsvSlices {
  /** The bytes up to and including the header record's line break (blank lines before it too), decoded. */
  header: string;
  /** Physical line of the header record. */
  headerLine: number;
  /** The records after the header, in file order; iterate once. The file is closed at their end. */
  slices: AsyncGenerator<CsvSlice>;
  /** Closes the file (needed only when `slices` is not iterated to its end); safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Opens `path` (comma-separated, UTF-8) for reading in slices of about `targetBytes` (a slice ends at
 * the first record end at or after that size), or returns null when the file is one the sequential
 * reader must handle (see the module comment). Only the first block is read here.
 */
export async function openCsvSlices(path: string, targetBytes: number): Promise<CsvSlices | null> {
  const handle = await open(path, 'r');
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  try {
    const first = Buffer.allocUnsafe(BLOCK);
    const { bytesRead } = await handle.read(first, 0, BLOCK, 0);
    const head = first.subarray(0, bytesRead);
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return await none(close);
    const found = findHeader(head);
    if (found === null) return await none(close);
    const headerBytes = head.subarray(0, found.end);
    const check = firstInvalidUtf8(headerBytes);
    if (check.invalid >= 0 || check.nul >= 0 || check.incomplete > 0) return await none(close);
    const header = new TextDecoder('utf-8', { ignoreBOM: false }).decode(headerBytes);
    const headerLine = 1 + countLineBreaks(new TextDecoder('utf-8').decode(head.subarray(0, found.start)));
    return {
      header,
      headerLine,
      slices: readSlices(handle, close, Buffer.from(head.subarray(found.end)), bytesRead, found.crlf, {
        firstLine: 1 + countLineBreaks(header),
        firstLfLine: 1 + countByte(headerBytes, 10),
      }, targetBytes),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function none(close: () => Promise<void>): Promise<null> {
  await close();
  return null;
}

/**
 * Where the header record (the first one that is not blank) starts and ends (after its delimiter),
 * and whether the file's record delimiter is CRLF; null for a lone-CR delimiter or no complete record.
 */
function findHeader(bytes: Uint8Array): { start: number; end: number; crlf: boolean } | null {
  let quoted = false;
  let crlf: boolean | null = null;
  let start = 0;
  let blank = true;
  let comma = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x22) {
      quoted = !quoted;
      blank = false;
      continue;
    }
    if (quoted) continue;
    if (crlf === null && (c === 13 || c === 10)) {
      if (c === 13 && bytes[i + 1] !== 10) return null;
      crlf = c === 13;
    }
    const end = crlf === true ? c === 13 && bytes[i + 1] === 10 : c === 10;
    if (end) {
      const after = crlf === true ? i + 2 : i + 1;
      if (!(blank && !comma && isBlankText(bytes, start, i))) return { start, end: after, crlf: crlf === true };
      start = after;
      blank = true;
      comma = false;
      if (crlf === true) i += 1;
      continue;
    }
    if (c === 0x2c) comma = true;
  }
  return null;
}

/** Whether bytes [from, to) are whitespace only, as `String.prototype.trim` sees it. */
function isBlankText(bytes: Uint8Array, from: number, to: number): boolean {
  let high = false;
  for (let i = from; i < to; i++) {
    const c = bytes[i];
    if (c >= 0x80) high = true;
    else if (!(c === 32 || (c >= 9 && c <= 13))) return false;
  }
  return !high || new TextDecoder('utf-8').decode(bytes.subarray(from, to)).trim() === '';
}

function countByte(bytes: Uint8Array, byte: number): number {
  let n = 0;
  for (let at = bytes.indexOf(byte); at >= 0; at = bytes.indexOf(byte, at + 1)) n++;
  return n;
}

/** Line breaks in `bytes` as `countLineBreaks` counts them in text (CRLF, LF, lone CR: one each). */
function countBreakBytes(bytes: Uint8Array): number {
  let breaks = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 10) breaks++;
    else if (c === 13) {
      breaks++;
      if (bytes[i + 1] === 10) i++;
    }
  }
  return breaks;
}

async function* readSlices(
  handle: import('node:fs/promises').FileHandle,
  close: () => Promise<void>,
  rest: Buffer,
  position: number,
  crlf: boolean,
  start: { firstLine: number; firstLfLine: number },
  targetBytes: number,
): AsyncGenerator<CsvSlice> {
  try {
    let pending = rest;
    let scanned = 0;
    let firstLine = start.firstLine;
    let firstLfLine = start.firstLfLine;
    let rowsBefore = 0;
    // Scan state, carried across blocks: inside quotes, and the current record's start.
    let quoted = false;
    let recordStart = 0;
    let rows = 0;
    let eof = false;
    const block = Buffer.allocUnsafe(BLOCK);
    for (;;) {
      // Scan what is pending for record ends, cutting a slice at the first one past targetBytes. The
      // scan jumps between quotes and line feeds with the native indexOf (memchr) instead of visiting
      // every byte in JavaScript: the same cuts, several times cheaper on a one-shot run, where a byte
      // loop mostly runs before the JIT has optimised it.
      let cut = -1;
      let i = scanned;
      /** The next line feed at or after i (-1: none pending), found again only once i has passed it. */
      let lf = -2;
      while (i < pending.length) {
        if (quoted) {
          const close = pending.indexOf(0x22, i);
          if (close < 0) {
            i = pending.length;
            break;
          }
          quoted = false;
          i = close + 1;
          continue;
        }
        if (lf !== -1 && lf < i) lf = pending.indexOf(10, i);
        const quote = pending.indexOf(0x22, i);
        if (quote >= 0 && (lf < 0 || quote < lf)) {
          quoted = true;
          i = quote + 1;
          continue;
        }
        if (lf < 0) {
          i = pending.length;
          break;
        }
        i = lf + 1;
        if (crlf && pending[lf - 1] !== 13) continue;
        const recordEnd = crlf ? lf - 1 : lf;
        // A record that is whitespace only is blank (csv-parse skips it); one holding a quote or a
        // comma is not, and isBlankText returns false at either.
        if (!isBlankText(pending, recordStart, recordEnd)) rows++;
        recordStart = i;
        if (i >= targetBytes) {
          cut = i;
          break;
        }
      }
      if (cut < 0 && eof) {
        if (pending.length > recordStart && !isBlankText(pending, recordStart, pending.length)) rows++;
        if (pending.length > 0) yield { bytes: new Uint8Array(pending), firstLine, firstLfLine, rowsBefore };
        return;
      }
      if (cut >= 0) {
        const bytes = new Uint8Array(pending.subarray(0, cut));
        const slice = { bytes, firstLine, firstLfLine, rowsBefore };
        // Counted before the slice is handed on: its buffer may then be moved to another thread.
        const lineFeeds = countByte(bytes, 10);
        firstLine += bytes.indexOf(13) < 0 ? lineFeeds : countBreakBytes(bytes);
        firstLfLine += lineFeeds;
        rowsBefore += rows;
        yield slice;
        rows = 0;
        pending = pending.subarray(cut);
        recordStart = 0;
        scanned = 0;
        continue;
      }
      scanned = pending.length;
      const { bytesRead } = await handle.read(block, 0, BLOCK, position);
      position += bytesRead;
      if (bytesRead === 0) eof = true;
      else pending = Buffer.concat([pending, block.subarray(0, bytesRead)]);
    }
  } finally {
    await close();
  }
}
