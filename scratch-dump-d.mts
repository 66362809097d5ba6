import { writeFileSync, mkdirSync } from 'node:fs';
import { loadDataset, splitData } from './src/data/dataset.js';
import { openModel } from './src/models/open-model.js';
const ds = await loadDataset('/work/shared/data/netflix_titles.csv', { splitFile: '/work/shared/data/split.csv', seed: 42 });
const [dir, out] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const saved: any = await openModel(dir, { embeddingCache: process.env.HOME + '/.cache/plotline/embeddings' } as any);
const m = saved.classifier ?? saved.model ?? saved;
const w = (name: string, a: Float32Array) => writeFileSync(`${out}/${name}.f32`, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
for (const [fold, idx] of [['train', ds.splits.train], ['val', ds.splits.validation], ['test', ds.splits.test]] as const) {
  const d = splitData(ds, idx as number[]);
  w(`${fold}_text`, await m.score(d.texts));
  w(`${fold}_y`, d.targets);
  writeFileSync(`${out}/${fold}_type.txt`, d.fields.map((f: any) => f.type ?? '').join('\n'));
  writeFileSync(`${out}/${fold}_desc.txt`, d.texts.map((t: string) => t.replace(/\n/g, ' ')).join('\n'));
}
writeFileSync(`${out}/genres.json`, JSON.stringify({ genres: m.genres, rules: m.rules, thresholds: m.thresholds }));
