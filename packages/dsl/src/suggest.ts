/**
 * "Did you mean …?": the closest declared name within a small edit distance,
 * on a budget so that a file full of unknown names stays linear.
 */

/** Names for a hint: the first dozen and how many in all (a hint never copies a 10,000-member enum). */
export function some(names: Iterable<string>, total: number): string {
  const shown: string[] = [];
  for (const name of names) {
    if (shown.length === 12) break;
    shown.push(name);
  }
  return total > shown.length ? `${shown.join(', ')}, … (${total} in all)` : shown.join(', ');
}

/**
 * Candidate names that "did you mean" hints may still compare in the running
 * `check` (Infinity outside it). A file full of unknown names would
 * otherwise cost (unknown names × declared names) edit distances.
 */
let suggestionBudget = Infinity;
const SUGGESTION_BUDGET = 200_000;
/** Names longer than this get no "did you mean" (edit distance is quadratic in the length). */
const MAX_SUGGESTED_NAME = 100;

/**
 * "did you mean …?" for the closest candidate within a small edit distance. Candidates that
 * cost something to list can be given as a function, called only while the budget lasts.
 */
export function suggest(name: string, given: readonly string[] | (() => readonly string[])): string | undefined {
  if (suggestionBudget <= 0 || name.length > MAX_SUGGESTED_NAME) return undefined;
  const candidates = typeof given === 'function' ? given() : given;
  suggestionBudget -= candidates.length;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of new Set(candidates)) {
    if (c === name) continue;
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) (best = c), (bestDistance = d);
  }
  const allowed = Math.max(1, Math.floor(name.length / 3));
  return best !== undefined && bestDistance <= allowed ? `did you mean ${best}?` : undefined;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3 || b.length > MAX_SUGGESTED_NAME) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Run `f` (one `check`) with a fresh suggestion budget; outside it the budget is unlimited. */
export function withSuggestionBudget<T>(f: () => T): T {
  suggestionBudget = SUGGESTION_BUDGET;
  try {
    return f();
  } finally {
    suggestionBudget = Infinity;
  }
}
