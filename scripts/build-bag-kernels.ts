/**
 * Compiles src/models/bag/bag-kernels.wat (WebAssembly text, SIMD) with wabt into
 * src/models/bag/bag-kernels-wasm.ts (the binary as base64), so the product needs no compiler at run
 * time. Run after editing the .wat: `npm run build:kernels`; test/models/bag/bag-kernels.test.ts fails
 * when the two disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileBagKernels } from './compile-bag-kernels.js';

const wat = fileURLToPath(new URL('../src/models/bag/bag-kernels.wat', import.meta.url));
const out = fileURLToPath(new URL('../src/models/bag/bag-kernels-wasm.ts', import.meta.url));
const bytes = await compileBagKernels(readFileSync(wat, 'utf8'));
writeFileSync(
  out,
  `/** bag-kernels.wat compiled by scripts/build-bag-kernels.ts (wabt): do not edit, rebuild with \`npm run build:kernels\`. */\n` +
    `export const BAG_KERNELS_WASM = '${Buffer.from(bytes).toString('base64')}';\n`,
);
console.log(`${out}: ${bytes.length} bytes of WebAssembly`);
