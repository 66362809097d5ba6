process.title = 'plotline';
import { readFileSync } from 'node:fs';
console.log('cmdline bytes', readFileSync('/proc/self/cmdline').length);
const { UseOnnxEmbedder } = await import('./src/encoders/use/use-onnx-embedder.js');
const { locateUseFiles } = await import('./src/encoders/use/use-files.js');
const loc: any = await (locateUseFiles as any)();
const emb = await UseOnnxEmbedder.load(loc.dir, 2);
console.log('loaded');
