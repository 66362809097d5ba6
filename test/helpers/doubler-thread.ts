/** A thread entry for the thread-pool tests: doubles numbers, fails or dies on request. */
import { workerData } from 'piscina';
import { threadTask } from '../../src/util/thread-pool.js';
import { PlotlineError } from '../../src/util/errors.js';

export interface DoublerTask {
  value?: number;
  die?: boolean;
  plotlineError?: boolean;
  otherError?: boolean;
}

export default threadTask<{ failSetup?: boolean; factor: number }, DoublerTask, Float64Array>(workerData, async (data) => {
  if (data.failSetup === true) throw new PlotlineError('cannot read the model', { file: 'model/manifest.json' });
  return async (task) => {
    if (task.die === true) process.exit(3);
    if (task.plotlineError === true) throw new PlotlineError('row 3 has no text', { file: 'titles.csv', line: 3 });
    if (task.otherError === true) throw new TypeError('something broke');
    return new Float64Array([(task.value ?? 0) * data.factor]);
  };
});
