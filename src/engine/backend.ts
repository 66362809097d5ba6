/**
 * Chooses and starts the tfjs backend Plotline computes on.
 *
 * `wasm` (the default) runs everywhere `npm ci` does, with SIMD, on one thread in Node. `node`
 * (`@tensorflow/tfjs-node`, native libtensorflow) is faster but cannot be installed offline, so it is
 * only used when a user already has it: it is imported dynamically and never listed as a dependency.
 * `cpu` is tfjs's pure-JavaScript reference backend, useful to cross-check results.
 */
import * as tf from '@tensorflow/tfjs';
import { registerFastKernels } from './kernels.js';
import { PlotlineError } from '../util/errors.js';

import type { BackendName } from './backend-names.js';
export { BACKENDS, isBackendName, type BackendName } from './backend-names.js';

let active: BackendName | null = null;

/** Starts a backend once per process; later calls with the same name are free. */
export async function useBackend(name: BackendName = 'wasm'): Promise<void> {
  if (active === name) return;
  tf.enableProdMode(); // skips per-op NaN checks and debug bookkeeping
  switch (name) {
    case 'wasm': {
      await import('@tensorflow/tfjs-backend-wasm');
      registerFastKernels('wasm');
      await setBackendOrThrow('wasm');
      break;
    }
    case 'cpu': {
      registerFastKernels('cpu');
      await setBackendOrThrow('cpu');
      break;
    }
    case 'node': {
      // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
      const specifier = '@tensorflow/tfjs-node';
      try {
        await import(specifier);
      } catch {
        throw new PlotlineError(
          'backend "node" needs @tensorflow/tfjs-node, which is not installed (it downloads libtensorflow at install ' +
            'time, so Plotline does not depend on it). Install it yourself, or use --backend wasm.',
        );
      }
      await setBackendOrThrow('tensorflow');
      break;
    }
  }
  active = name;
}

async function setBackendOrThrow(tfName: string): Promise<void> {
  const ok = await tf.setBackend(tfName);
  await tf.ready();
  if (!ok || tf.getBackend() !== tfName) throw new PlotlineError(`could not start the tfjs "${tfName}" backend`);
}
