/** Runs a command in-process and collects what it wrote to stdout and stderr (for the CLI command tests). */
export async function captureOutput(run: () => Promise<unknown>): Promise<{ stdout: string; stderr: string; error: unknown }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
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
