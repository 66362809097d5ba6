/** The tfjs backends Plotline can start (backend.ts starts them; the CLI checks names without loading tfjs). */
export const BACKENDS = ['wasm', 'node', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export function isBackendName(name: string): name is BackendName {
  return (BACKENDS as readonly string[]).includes(name);
}
