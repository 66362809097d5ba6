import { writeFileSync } from 'node:fs';
import { FLOAT, OnnxGraph } from './src/util/onnx-graph.js';
const g = new OnnxGraph(); const x = g.input('x', FLOAT, ['n', 2]); g.op('Relu', [x], {}, 'y'); g.output('y', FLOAT, ['n', 2]);
writeFileSync('/tmp/tiny.onnx', g.encode('t', 't'));
