/** The `q` quantile of a bench's per-round figures (0.5: the median, the upper middle of an even count); NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  return [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))] ?? NaN;
}

/** The median of a bench's per-round figures (the upper middle of an even count); NaN for none. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
