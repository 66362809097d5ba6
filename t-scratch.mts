import { UseOnnxEmbedder } from './src/encoders/use/use-onnx-embedder.js';
import { locateUseFiles } from './src/encoders/use/use-files.js';
const loc: any = await (locateUseFiles as any)();
const emb = await UseOnnxEmbedder.load(loc.dir, 2);
console.log('loaded');
const v = await emb.embed(['a short text']); console.log('ok', v.length);
