/**
 * Runs a command in-process and collects the text it wrote to stdout and stderr (for the CLI command
 * tests). Only strings are captured: the test runner's own reports reach stdout as bytes (Node's
 * serialised reporter in `node --test` child processes) and go through, so no test result is swallowed.
 */
export async function captureOutput(run: () => Promise<unknown>): Promise<{ stdout: string; stderr: string; error: unknown }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  const capture = (into: string[], original: typeof process.stdout.write, stream: NodeJS.WriteStream) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (typeof chunk === 'string') {
        into.push(chunk);
        return true;
      }
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = capture(out, stdoutWrite, process.stdout);
  process.stderr.write = capture(err, stderrWrite, process.stderr);
  let error: unknown = null;
  try {
    await run();
  } catch (e) {
    error = e;
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
  return { stdout: out.join(''), stderr: err.join(''), error };
}
