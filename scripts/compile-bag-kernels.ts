/** WebAssembly text -> binary with wabt (a devDependency), SIMD enabled: for the build script and its test. */
import wabtModule from 'wabt';

export async function compileBagKernels(wat: string): Promise<Uint8Array> {
  const wabt = await wabtModule();
  const module = wabt.parseWat('bag-kernels.wat', wat, { simd: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}
