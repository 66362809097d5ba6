/**
 * A deterministic crash switch for the crash-safety tests. Code that must survive being killed at any
 * moment (saving a model folder, writing `predict --output`) calls `faultPoint()` between its steps.
 * When the environment variable PLOTLINE_FAULT_AT is a whole number N >= 1, the N-th call in the
 * process kills the process on the spot with SIGKILL (no clean-up handler runs, as in a power cut or
 * an OOM kill). Unset (always, outside tests), a call costs one comparison.
 */

const FAULT_AT = Number.parseInt(process.env.PLOTLINE_FAULT_AT ?? '', 10);
let calls = 0;

/** Counts one step; kills this process if it is the step PLOTLINE_FAULT_AT names. `label` is for readers of the code. */
export function faultPoint(label: string): void {
  if (!(FAULT_AT >= 1)) return;
  calls++;
  if (calls === FAULT_AT) {
    process.stderr.write(`PLOTLINE_FAULT_AT=${FAULT_AT}: killed at "${label}"\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
