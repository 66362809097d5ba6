/**
 * Runs an asynchronous job per item with at most `maxInFlight` jobs outstanding, and hands the results
 * to `write` strictly in item order. The jobs' promises form the reorder buffer: a result that comes
 * back early waits in its promise until the ones before it are written. Since a job only leaves the
 * buffer once written, at most `maxInFlight` items and results are held, whatever the input's size.
 */
export async function mapInOrder<T, R>(
  items: AsyncIterable<T>,
  job: (item: T) => Promise<R>,
  write: (result: R, item: T) => Promise<void> | void,
  maxInFlight: number,
): Promise<void> {
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new RangeError(`maxInFlight must be a whole number >= 1, got ${maxInFlight}`);
  const queue: { item: T; result: Promise<R> }[] = [];
  const writeOldest = async (): Promise<void> => {
    const oldest = queue.shift()!;
    await write(await oldest.result, oldest.item);
  };
  for await (const item of items) {
    if (queue.length >= maxInFlight) await writeOldest();
    const result = job(item);
    // Observed now so a failure is never "unhandled" while it waits its turn; it is rethrown when
    // its turn comes (or dropped if the run stops earlier for another reason).
    result.catch(() => {});
    queue.push({ item, result });
  }
  while (queue.length > 0) await writeOldest();
}
