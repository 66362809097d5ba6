/**
 * Turns a chart spec into files: Vega-Lite compiles it to Vega, Vega's headless view draws it as SVG
 * (no browser, no canvas package), and resvg rasterises the SVG to PNG for places that show no SVG.
 * Nothing here reads a URL: the specs carry their data inline and the SVG names only local fonts.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { createRequire } from 'node:module';
import type * as ResvgModule from '@resvg/resvg-js';
import { installTextMetrics } from './text-metrics.js';

/**
 * Fonts resvg falls back to when none of the SVG's font stack (Liberation Sans, Arial, Helvetica) is
 * installed: DejaVu Sans is the sans-serif most Linux images have (Debian's fonts-dejavu-core).
 */
const PNG_FALLBACK_FONT = 'DejaVu Sans';

/** Scale of the PNG against the SVG's size: 2x stays sharp on high-density screens and in slides. */
const PNG_ZOOM = 2;

/** The chart as a standalone SVG document (starting `<svg`), with text as text so it stays searchable. */
export async function toSvg(spec: TopLevelSpec): Promise<string> {
  installTextMetrics();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * resvg is a native addon, built per platform. Loaded on first use rather than imported, so a platform
 * without its binary fails PNG rendering (which the report survives) instead of loading this module.
 */
let resvg: typeof ResvgModule | undefined;
function loadResvg(): typeof ResvgModule {
  resvg ??= createRequire(import.meta.url)('@resvg/resvg-js') as typeof ResvgModule;
  return resvg;
}

/** The SVG rasterised to PNG bytes with the system's fonts; throws if resvg cannot load or render it. */
export function toPng(svg: string): Uint8Array {
  const rendered = new (loadResvg().Resvg)(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: PNG_FALLBACK_FONT, sansSerifFamily: PNG_FALLBACK_FONT },
    fitTo: { mode: 'zoom', value: PNG_ZOOM },
    background: 'white',
    logLevel: 'off',
  }).render();
  return new Uint8Array(rendered.asPng());
}
