/**
 * A minimal builder of ONNX graphs (opset 17, IR version 8) over `onnx-proto`'s generated protobuf
 * classes: float and int64 initialisers, nodes with int / ints / float attributes, inputs and outputs
 * with symbolic dimensions. Enough for the plain tensor maths Plotline's exports need (Gather,
 * ReduceSum, MatMul, Add, Relu, Sigmoid...) and for the Universal Sentence Encoder rebuilt for ONNX
 * Runtime (encoders/use/use-onnx-graph.ts); operator semantics are ONNX's (onnx.ai/onnx/operators).
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type INodeProto = onnxProto.onnx.INodeProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type IValueInfoProto = onnxProto.onnx.IValueInfoProto;

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;
export const OPSET = 17;

export type AttributeValue = number | number[] | { float: number };

export class OnnxGraph {
  private readonly nodes: INodeProto[] = [];
  private readonly initializers: ITensorProto[] = [];
  private readonly inputs: IValueInfoProto[] = [];
  private readonly outputs: IValueInfoProto[] = [];
  private counter = 0;

  /** A float32 initialiser of shape `dims` (row-major `values`); returns its name. */
  float(name: string, dims: number[], values: Float32Array | number[]): string {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    if (data.length !== dims.reduce((a, d) => a * d, 1)) throw new RangeError(`initialiser ${name}: ${data.length} values for shape [${dims.join(', ')}]`);
    this.initializers.push({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    return name;
  }

  /** An int64 initialiser. */
  int64(name: string, dims: number[], values: number[]): string {
    const data = BigInt64Array.from(values.map(BigInt));
    this.initializers.push({ name, dims, dataType: INT64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  /** A graph input of `elemType` (FLOAT, INT64) with dimensions (a string is a symbolic dimension). */
  input(name: string, elemType: number, dims: (string | number)[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Declares `name` (a node's output) as a graph output. */
  output(name: string, elemType: number, dims: (string | number)[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** Adds a node; returns its (single) output's name, `outputName` or a generated one. */
  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputName?: string): string {
    const output = outputName ?? `${opType.toLowerCase()}_${this.counter++}`;
    this.nodes.push({
      opType,
      name: output,
      input: inputs,
      output: [output],
      attribute: Object.entries(attributes).map(([name, value]) =>
        Array.isArray(value)
          ? { name, ints: value, type: onnx.AttributeProto.AttributeType.INTS }
          : typeof value === 'number'
            ? { name, i: value, type: onnx.AttributeProto.AttributeType.INT }
            : { name, f: value.float, type: onnx.AttributeProto.AttributeType.FLOAT },
      ),
    });
    return output;
  }

  /**
   * Adds a node with `count` outputs (e.g. Split into q, k, v); returns their names, generated from
   * the node's.
   */
  opOutputs(opType: string, inputs: string[], count: number, attributes: Record<string, AttributeValue> = {}): string[] {
    const first = this.op(opType, inputs, attributes);
    const outputs = Array.from({ length: count }, (_, i) => `${first}_${i}`);
    this.nodes[this.nodes.length - 1].output = outputs;
    return outputs;
  }

  /** The serialised model (ModelProto bytes). */
  encode(name: string, docString: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'plotline',
      docString,
      opsetImport: [{ domain: '', version: OPSET }],
      graph: { name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, elemType: number, dims: (string | number)[]): IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}
