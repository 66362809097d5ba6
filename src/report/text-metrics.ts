/**
 * Text widths for Vega's layout without a canvas. Headless Vega (no `canvas` package, which this
 * project does not install) guesses every character to be 0.8 em wide, nearly twice Arial's average:
 * axes then reserve far too much room and long genre names are cut to "…" at the label limit. Vega
 * lets a host replace `textMetrics.width` (vl-convert does the same); this one uses the advance widths
 * of Helvetica, which Arial and Liberation Sans (the charts' font stack) share, so labels are laid out
 * at the width they are drawn at in a browser and by resvg.
 */
import * as vega from 'vega';

/** Helvetica advance widths (1/1000 em) of ASCII 32 (space) to 126 (~), from its Adobe font metrics. */
// prettier-ignore
const REGULAR = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space ! " # $ % & ' ( ) * + , - . /
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0-9 : ; < = > ?
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ A-O
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P-Z [ \ ] ^ _
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` a-o
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p-z { | } ~
];
/** Helvetica-Bold is about this much wider on average; titles and facet headers are bold. */
const BOLD_FACTOR = 1.08;
/** Anything outside ASCII (accents, CJK, emoji) is taken as a digit's width: a fair average. */
const OTHER = 556;

interface TextItem {
  font?: string;
  fontSize?: number;
  fontWeight?: string | number;
  text?: unknown;
  /** Truncation width (e.g. an axis' labelLimit): Vega cuts longer text to fit, with an ellipsis. */
  limit?: number;
}

interface VegaTextMetrics {
  width: (item: TextItem, text?: unknown) => number;
}

/** Width in pixels of `text` drawn at `fontSize` px, regular or bold. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    units += code >= 32 && code <= 126 ? REGULAR[code - 32] : OTHER;
  }
  return (units / 1000) * fontSize * (bold ? BOLD_FACTOR : 1);
}

function isBold(weight: string | number | undefined): boolean {
  if (weight === undefined) return false;
  if (typeof weight === 'number') return weight >= 600;
  return weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
}

let installed = false;

/** Makes Vega measure text with `textWidth` from now on in this process (idempotent). */
export function installTextMetrics(): void {
  if (installed) return;
  // Not in vega's type definitions, but exported and documented as replaceable by the host.
  const metrics = (vega as unknown as { textMetrics: VegaTextMetrics }).textMetrics;
  metrics.width = (item, text) => {
    const value = text ?? item.text;
    const line = Array.isArray(value) ? value.join(' ') : value === undefined || value === null ? '' : String(value).trim();
    const width = textWidth(line, item.fontSize ?? 11, isBold(item.fontWeight));
    // Text over the limit is drawn truncated to it. Vega's truncation search also calls this and only
    // asks whether a candidate is under the limit, which clamping leaves unchanged.
    return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
  installed = true;
}
