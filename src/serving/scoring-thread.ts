/**
 * Entry of a server scoring thread (run by piscina, see scoring-threads.ts): loads the model once (on
 * its own tfjs backend for a model that needs one; a saved bag's collapsed form starts none, so the
 * thread imports no tfjs), then scores texts and computes occlusion explanations, so the heavy work of
 * a request never runs on the thread that answers HTTP (and /healthz). A model that fails to load fails
 * every task with the loader's error (a PlotlineError message naming the file).
 */
import { workerData } from 'piscina';
import { openModel } from '../models/open-model.js';
import { explain, ruledScorer } from '../explain/occlusion.js';
import type { ScoringResult, ScoringTask, ScoringThreadData } from './scoring-protocol.js';

const data = workerData as ScoringThreadData;
const loading = (async () => {
  // No backend for a model that scores without tfjs (a saved bag's collapsed form), as predict.
  return (await openModel(data.modelDir, { backend: data.backend, startBackend: 'if-needed', encoder: data.encoder })).classifier;
})();
loading.catch(() => {}); // reported by the first task that awaits it

export default async function run(task: ScoringTask): Promise<ScoringResult> {
  const classifier = await loading;
  switch (task.type) {
    case 'ready':
      return { genres: classifier.genres.length };
    case 'score':
      return classifier.score(task.texts, task.fields);
    case 'explain': {
      // Every variant with the text's fields, the genre-set rules applied, as the answer is scored.
      return (await explain(ruledScorer(classifier, task.fields, undefined, task.thresholds), task.text, task.genre === null ? undefined : [task.genre]))[0];
    }
  }
}
