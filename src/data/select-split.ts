/**
 * The titles of one part of a split file: what `plotline evaluate --split FILE --fold test` scores (the
 * honest number), or `--fold train` (the training rows, to see how much the model overfits).
 */
import { readSplitFile, requireIdsForSplit, type SplitPart } from './split.js';
import type { Title } from './titles.js';
import { PlotlineError } from '../util/errors.js';

/**
 * The titles of `dataFile` that `splitFile` (show_id,fold) puts in `part`, in file order.
 * `idColumn` is the data file's id column as read (null: none, rows numbered), for the messages.
 * @throws PlotlineError naming the split file when the data file has no id column, when a title has
 *   no part there (the split must cover the data: otherwise it belongs to another file), or when
 *   `part` holds none of the titles.
 */
export async function selectSplit(titles: readonly Title[], splitFile: string, part: SplitPart, dataFile: string, idColumn: string | null): Promise<Title[]> {
  requireIdsForSplit(dataFile, idColumn, splitFile);
  const assignment = await readSplitFile(splitFile);
  const missing = titles.filter((t) => !assignment.has(t.id));
  if (missing.length > 0) {
    throw new PlotlineError(
      `${missing.length} title(s) of ${dataFile} have no fold here (first: ${idColumn} ${missing[0].id}, line ${missing[0].line}); the split must cover the data`,
      { file: splitFile },
    );
  }
  const selected = titles.filter((t) => assignment.get(t.id) === part);
  if (selected.length === 0) throw new PlotlineError(`no title of ${dataFile} is in the "${part}" fold`, { file: splitFile });
  return selected;
}
