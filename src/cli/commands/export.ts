/**
 * `plotline export --model DIR --format onnx --out model.onnx`: the model as an ONNX graph plus
 * `model.onnx.json` (featurisation, genres, thresholds); see src/export/export-model.ts.
 */
import { exportOnnx } from '../../export/export-model.js';
import type { EncoderLocationOptions } from '../options.js';
import type { BackendName } from '../../engine/backend.js';

export interface ExportCommandOptions extends EncoderLocationOptions {
  model: string;
  format: 'onnx';
  out: string;
  json: boolean;
  backend: BackendName;
}

export async function exportCommand(options: ExportCommandOptions): Promise<void> {
  const result = await exportOnnx({ model: options.model, out: options.out, backend: options.backend, encoder: { override: options.encoder, allowDownload: options.allowDownload } });
  if (options.json) process.stdout.write(JSON.stringify(result) + '\n');
  else process.stdout.write(`wrote ${result.onnx} (${result.kind}, ${(result.bytes / 1e6).toFixed(1)} MB) and ${result.sideFile}\n`);
}
