/**
 * How the report writes numbers, in one place so the Markdown and HTML tables (and anyone diffing two
 * reports) see the same text. Plain ASCII and no locale: the output must not depend on the machine.
 */

/** Scores (F1, P@1, LRAP, AUC) to 3 decimals; `null` (an undefined metric, e.g. AUC) as "n/a". */
export function score(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return value.toFixed(3);
}

/** An integer with thousands separators ("15,636"), written by hand so no ICU build can change it. */
export function integer(value: number): string {
  const sign = value < 0 ? '-' : '';
  const digits = String(Math.round(Math.abs(value)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A count as a person reads it in a table: 950, 45.6k, 1.2M, 3.4B. */
export function humanCount(value: number): string {
  const units: [number, string][] = [
    [1e3, 'k'],
    [1e6, 'M'],
    [1e9, 'B'],
  ];
  const abs = Math.abs(value);
  if (abs < 999.5) return String(Math.round(value));
  let unit = 0;
  while (unit + 1 < units.length && abs >= units[unit + 1][0]) unit++;
  // 999,960 would read "1000.0k": one unit up reads "1.0M".
  if (unit + 1 < units.length && (abs / units[unit][0]).toFixed(1) === '1000.0') unit++;
  return `${(value / units[unit][0]).toFixed(1)}${units[unit][1]}`;
}

/** Trained parameters, plus frozen ones (a pretrained encoder's) only when there are any. */
export function parameters(count: { trained: number; frozen: number }): string {
  return count.frozen > 0 ? `${humanCount(count.trained)} + ${humanCount(count.frozen)} frozen` : humanCount(count.trained);
}

/** Bytes as decimal megabytes; small models keep two decimals so they do not all read "0.0". */
export function megabytes(bytes: number): string {
  const mb = bytes / 1e6;
  return mb < 1 ? mb.toFixed(2) : mb.toFixed(1);
}

/** Seconds of wall time: one decimal is the precision a timing on a shared machine deserves. */
export function seconds(value: number): string {
  return value.toFixed(1);
}
