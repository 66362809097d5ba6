/**
 * The bag's training kernels (bag-kernels.wat, WebAssembly SIMD) over a memory the caller owns, with
 * the arrays they read laid out in it: the embedding table, Adam's moments and per-batch scratch.
 * sparse-bag-step.ts uses them when the embedding width is a multiple of KERNEL_WIDTH; its JavaScript
 * loops compute the same sums in float64 (the kernels in float32, sixteen dimensions at a time), and
 * the tests hold the two paths to each other.
 */
import { BAG_KERNELS_WASM } from './bag-kernels-wasm.js';

/** Dimensions per kernel pass: an embedding width must be a multiple of this. */
export const KERNEL_WIDTH = 16;
const PAGE = 65536;

interface Exports {
  pool(offsets: number, weights: number, n: number, base: number, dim: number, out: number): void;
  adamRow(offsets: number, weights: number, n: number, base: number, dim: number, param: number, moments: number, stepSize: number, invC2: number): void;
  sgdRow(offsets: number, weights: number, n: number, base: number, dim: number, param: number, scale: number): void;
}

let compiled: WebAssembly.Module | null = null;

/**
 * A kernel instance and its memory: `table` (rows x dim float32) at byte 0, then, when `moments`,
 * lazy Adam's moments (per row: dim first moments, then dim second moments), then scratch of
 * `ensureScratch`'s size: `offsets` (int32 float indices), `weights` (float32) and `values` (float32).
 * The views are replaced when the scratch grows (read them through the object, never keep them).
 */
export class BagKernels {
  readonly kernels: Exports;
  private readonly memory: WebAssembly.Memory;
  private readonly tableBytes: number;
  private readonly momentBytes: number;
  private pairCapacity = 0;
  private valueCapacity = 0;
  table!: Float32Array;
  moments!: Float32Array;
  offsets!: Int32Array;
  weights!: Float32Array;
  values!: Float32Array;

  constructor(rows: number, dim: number, moments: boolean) {
    if (dim % KERNEL_WIDTH !== 0) throw new RangeError(`the bag's kernels need an embedding width that is a multiple of ${KERNEL_WIDTH}, got ${dim}`);
    this.tableBytes = rows * dim * 4;
    this.momentBytes = moments ? 2 * this.tableBytes : 0;
    this.memory = new WebAssembly.Memory({ initial: Math.ceil((this.tableBytes + this.momentBytes) / PAGE) + 1 });
    compiled ??= new WebAssembly.Module(Buffer.from(BAG_KERNELS_WASM, 'base64'));
    this.kernels = new WebAssembly.Instance(compiled, { env: { memory: this.memory } }).exports as unknown as Exports;
    this.views();
  }

  /** Byte address of the moments, and of the scratch arrays. */
  get momentsAt(): number {
    return this.tableBytes;
  }
  get offsetsAt(): number {
    return this.tableBytes + this.momentBytes;
  }
  get weightsAt(): number {
    return this.offsetsAt + 4 * this.pairCapacity;
  }
  get valuesAt(): number {
    return this.weightsAt + 4 * this.pairCapacity;
  }

  /** Makes room for `pairs` offsets and weights and `values` floats of scratch (the views may change). */
  ensureScratch(pairs: number, values: number): void {
    if (pairs <= this.pairCapacity && values <= this.valueCapacity) return;
    this.pairCapacity = Math.max(this.pairCapacity, 2 * pairs);
    this.valueCapacity = Math.max(this.valueCapacity, 2 * values);
    const needed = this.valuesAt + 4 * this.valueCapacity;
    const have = this.memory.buffer.byteLength;
    if (needed > have) this.memory.grow(Math.ceil((needed - have) / PAGE));
    this.views();
  }

  private views(): void {
    const buffer = this.memory.buffer;
    this.table = new Float32Array(buffer, 0, this.tableBytes / 4);
    this.moments = new Float32Array(buffer, this.momentsAt, this.momentBytes / 4);
    this.offsets = new Int32Array(buffer, this.offsetsAt, this.pairCapacity);
    this.weights = new Float32Array(buffer, this.weightsAt, this.pairCapacity);
    this.values = new Float32Array(buffer, this.valuesAt, this.valueCapacity);
  }
}
