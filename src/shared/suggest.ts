/**
 * "Did you mean …?": the known name closest to a mistyped one — for config keys, CLI commands and
 * flags, and tool names. Pure, shared by the caller side and the worker.
 */

/** The name in `known` closest to `name`: the same but for case, `_` and `-`, or within `maxEdits` edits (a third of its length at most). */
export function suggest(name: string, known: Iterable<string>, maxEdits = 2): string | undefined {
  const norm = (text: string): string => text.toLowerCase().replace(/[_-]/g, '');
  const wanted = norm(name);
  const limit = Math.min(maxEdits, Math.max(1, Math.floor(wanted.length / 3)));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(wanted, norm(candidate));
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** ` — did you mean 'x'?` for a {@link suggest}ed name, to end a message with; '' for none. */
export function didYouMean(guess: string | undefined): string {
  return guess === undefined ? '' : ` — did you mean '${guess}'?`;
}

/** Edit distance, a swap of two neighbours counting as one edit (`ecoh` → `echo`: 1). */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (before[j - 2] ?? 0) + 1);
      next[j] = best;
    }
    before = row;
    row = next;
  }
  return row[b.length] ?? 0;
}
