/** The training losses by name (losses.ts implements them; the CLI lists them without loading tfjs). */
export const LOSSES = ['bce', 'softf1', 'softf1-double'] as const;
export type LossName = (typeof LOSSES)[number];
