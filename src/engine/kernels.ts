/**
 * Training kernels that tfjs's backends lack or implement too slowly for Plotline.
 *
 * - `UnsortedSegmentSum` is the gradient of `gather`, i.e. of every Embedding layer. The wasm backend
 *   does not register it at all, and the cpu backend's version loops over every segment (the whole
 *   vocabulary) for every input row: minutes and gigabytes per batch. Ours is one pass over the rows.
 * - `Conv2DBackpropFilter` is the weight gradient of Conv1D/Conv2D. The wasm backend does not register it.
 *
 * The two are plain single-pass JavaScript loops over typed arrays (a third kernel, BatchMatMul, wraps wasm's
 * own; see below), registered through tfjs's kernel registry
 * so that layers, optimizers and `tf.grad` pick them up unchanged. The originals (where a backend had
 * one) are kept so tests can check ours against them.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo, NamedAttrMap } from '@tensorflow/tfjs';

type DataType = 'float32' | 'int32' | 'bool' | 'complex64' | 'string';
type NumericArray = Float32Array | Int32Array | Uint8Array;

/** The handful of backend calls the kernels need, for the two backends whose memory layouts differ. */
interface BackendAccess {
  read(tensor: TensorInfo): NumericArray;
  /** Allocates an output and lets `fill` write into its zero-initialised storage. */
  output(shape: number[], dtype: DataType, fill: (values: Float32Array) => void): TensorInfo;
}

// The backend classes are not exported with types that describe these members, so they are reached
// through narrow structural views.
interface WasmBackendView {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(tensor: TensorInfo): NumericArray;
}
interface CpuBackendView {
  readSync(dataId: object): NumericArray;
  makeTensorInfo(shape: number[], dtype: DataType, values: Float32Array): TensorInfo;
}

function accessFor(backendName: string, backend: unknown): BackendAccess {
  if (backendName === 'wasm') {
    const wasm = backend as WasmBackendView;
    return {
      read: (t) => wasm.typedArrayFromHeap(t),
      output: (shape, dtype, fill) => {
        const out = wasm.makeOutput(shape, dtype);
        const values = wasm.typedArrayFromHeap(out) as Float32Array;
        values.fill(0); // wasm heap memory is reused and not zeroed
        fill(values);
        return out;
      },
    };
  }
  const cpu = backend as CpuBackendView;
  return {
    read: (t) => cpu.readSync(t.dataId),
    output: (shape, dtype, fill) => {
      const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
      fill(values);
      return cpu.makeTensorInfo(shape, dtype, values);
    },
  };
}

/** out[segmentIds[i], :] += data[i, :]; rows whose id is out of range are dropped, as in TensorFlow. */
export function unsortedSegmentSumValues(
  data: NumericArray,
  segmentIds: NumericArray,
  numSegments: number,
  out: Float32Array,
): void {
  const rows = segmentIds.length;
  const width = rows === 0 ? 0 : data.length / rows;
  for (let i = 0; i < rows; i++) {
    const segment = segmentIds[i];
    if (segment < 0 || segment >= numSegments) continue;
    const src = i * width;
    const dst = segment * width;
    for (let j = 0; j < width; j++) out[dst + j] += data[src + j];
  }
}

function unsortedSegmentSumKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const numSegments = (attrs as NamedAttrMap).numSegments as number;
    const io = accessFor(backendName, backend);
    // tfjs flattens segmentIds to the leading dimensions of x; the rest of x is the row width.
    const idCount = segmentIds.shape.reduce((a: number, b: number) => a * b, 1);
    const rowShape = x.shape.slice(segmentIds.shape.length);
    const outShape = [numSegments, ...rowShape];
    const data = io.read(x);
    const ids = io.read(segmentIds);
    if (ids.length !== idCount) throw new Error('UnsortedSegmentSum: segment ids do not match their shape');
    return io.output(outShape, x.dtype as DataType, (out) => unsortedSegmentSumValues(data, ids, numSegments, out));
  };
}

interface Conv2DBackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/**
 * dW[fh, fw, ci, co] = sum over (b, oh, ow) of x[b, oh*sh + fh*dh - padTop, ow*sw + fw*dw - padLeft, ci] * dy[b, oh, ow, co].
 * The innermost loop runs over output channels, which are contiguous in both dy and dW.
 */
function conv2DBackpropFilterKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
    if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter: only NHWC is supported');
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const io = accessFor(backendName, backend);
    const xv = io.read(x);
    const dyv = io.read(dy);
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
    const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
    const padTop = info.padInfo.top;
    const padLeft = info.padInfo.left;
    return io.output(filterShape, 'float32', (dw) => {
      for (let b = 0; b < batchSize; b++) {
        for (let oh = 0; oh < outHeight; oh++) {
          for (let ow = 0; ow < outWidth; ow++) {
            const dyBase = ((b * outHeight + oh) * outWidth + ow) * outChannels;
            for (let fh = 0; fh < filterHeight; fh++) {
              const ih = oh * strideHeight + fh * dilationHeight - padTop;
              if (ih < 0 || ih >= inHeight) continue;
              for (let fw = 0; fw < filterWidth; fw++) {
                const iw = ow * strideWidth + fw * dilationWidth - padLeft;
                if (iw < 0 || iw >= inWidth) continue;
                const xBase = ((b * inHeight + ih) * inWidth + iw) * inChannels;
                const dwBase = (fh * filterWidth + fw) * inChannels * outChannels;
                for (let ci = 0; ci < inChannels; ci++) {
                  const xval = xv[xBase + ci];
                  if (xval === 0) continue;
                  const dwRow = dwBase + ci * outChannels;
                  for (let co = 0; co < outChannels; co++) dw[dwRow + co] += xval * dyv[dyBase + co];
                }
              }
            }
          }
        }
      }
    });
  };
}

/** The kernel that was registered before Plotline's, which a wrapper delegates to. */
function shippedKernel(kernelName: string, backendName: string): KernelFunc {
  const kernel = originals.get(`${kernelName}/${backendName}`) ?? tf.getKernel(kernelName, backendName);
  if (kernel === undefined) throw new Error(`${backendName} backend has no ${kernelName} kernel to wrap`);
  return kernel.kernelFunc;
}

interface DisposableBackend {
  disposeData(dataId: object): void;
}

/**
 * wasm's BatchMatMul is fast (XNNPACK) only without its transpose flags: with transposeA or transposeB it
 * takes a generic path about six times slower (bench:kernels). Every matMul gradient sets one of them, so training spent
 * most of its time there. This wrapper transposes the operand explicitly (a cheap copy) and multiplies
 * without flags.
 */
function batchMatMulKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const matMul = shippedKernel('BatchMatMul', backendName);
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return matMul({ inputs, backend, attrs });
    const transpose = shippedKernel('Transpose', backendName);
    const swapLastTwo = (t: TensorInfo): TensorInfo => {
      const perm = t.shape.map((_, i) => i);
      const n = perm.length;
      [perm[n - 2], perm[n - 1]] = [perm[n - 1], perm[n - 2]];
      return transpose({ inputs: { x: t }, backend, attrs: { perm } }) as TensorInfo;
    };
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const a2 = transposeA ? swapLastTwo(a) : a;
    const b2 = transposeB ? swapLastTwo(b) : b;
    const out = matMul({ inputs: { a: a2, b: b2 }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    if (a2 !== a) (backend as unknown as DisposableBackend).disposeData(a2.dataId);
    if (b2 !== b) (backend as unknown as DisposableBackend).disposeData(b2.dataId);
    return out;
  };
}

/** Kernels every backend gets (missing or too slow everywhere). */
const FAST_KERNELS: Record<string, (backendName: string) => KernelFunc> = {
  UnsortedSegmentSum: unsortedSegmentSumKernel,
  Conv2DBackpropFilter: conv2DBackpropFilterKernel,
};

/** Wrappers around kernels that wasm has but runs slowly for the shapes training produces. */
const WASM_WRAPPERS: Record<string, (backendName: string) => KernelFunc> = {
  BatchMatMul: batchMatMulKernel,
};

/** What a backend had registered before Plotline replaced it, for comparison in tests. */
const originals = new Map<string, KernelConfig | undefined>();

/** Registers Plotline's kernels for a backend ('wasm' or 'cpu'); safe to call more than once. */
export function registerFastKernels(backendName: string): void {
  const kernels = backendName === 'wasm' ? { ...FAST_KERNELS, ...WASM_WRAPPERS } : FAST_KERNELS;
  for (const [kernelName, make] of Object.entries(kernels)) {
    const key = `${kernelName}/${backendName}`;
    if (originals.has(key)) continue;
    const existing = tf.getKernel(kernelName, backendName);
    originals.set(key, existing);
    if (existing !== undefined) tf.unregisterKernel(kernelName, backendName);
    // The shipped setupFunc must still run when the backend starts: wasm kernels bind their C++ entry
    // point there, and the wrappers call through to them.
    tf.registerKernel({ kernelName, backendName, kernelFunc: make(backendName), setupFunc: existing?.setupFunc });
  }
}

/** The kernel a backend shipped with, before `registerFastKernels` (undefined if it had none). */
export function originalKernel(kernelName: string, backendName: string): KernelConfig | undefined {
  return originals.get(`${kernelName}/${backendName}`);
}
