/**
 * Puts `@huggingface/transformers` in offline mode, once, before Plotline loads anything with it.
 *
 * Plotline hands the library only absolute paths of folders it has already checked (a hub model is
 * fetched by encoders/onnx/hub.ts first, into a cache folder Plotline chooses), so the library never
 * needs the network or its own cache. Turning both off means a missing file is an error rather
 * than a silent download, and nothing is written under node_modules (the library's default cache).
 * `env` is process-wide; nothing else in Plotline uses the library, so no one else is affected.
 */
import { env, LogLevel } from '@huggingface/transformers';

let configured = false;

export function useTransformersOffline(): void {
  if (configured) return;
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useFSCache = false;
  env.useBrowserCache = false;
  // Warnings would go to stdout in the middle of CLI output; Plotline reports its own errors.
  env.logLevel = LogLevel.ERROR;
  configured = true;
}
