/**
 * `glob`/`iglob` and `pmatch` semantics: POSIX fnmatch(3) with no flags (`*` also matches `/`;
 * `?`, `[...]`, `[!...]`/`[^...]` and backslash escapes), and Falco's path-prefix match whose
 * patterns may carry wildcards per path component. Matching is iterative with single-star
 * backtracking, so it takes O(pattern × text) time whatever the pattern: no exponential cases.
 */

/** Whether `text` matches the fnmatch `pattern` in full; `ignoreCase` folds ASCII case (iglob). */
export function globMatch(pattern: string, text: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let starP = -1;
  let starT = 0;
  while (ti < t.length) {
    if (pi < p.length) {
      const c = p[pi] as string;
      if (c === '*') {
        starP = ++pi;
        starT = ti;
        continue;
      }
      const step = matchOne(p, pi, t[ti] as string);
      if (step > 0) {
        pi += step;
        ti++;
        continue;
      }
    }
    // Mismatch: let the last star take one more character, or fail.
    if (starP < 0) return false;
    pi = starP;
    ti = ++starT;
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/**
 * Matches one text character against the pattern element at `pi`; returns the element's length
 * in the pattern, or 0 when it does not match. A `[` with no closing `]` is a literal `[`.
 */
function matchOne(p: string, pi: number, ch: string): number {
  const c = p[pi] as string;
  if (c === '?') return 1;
  if (c === '\\' && pi + 1 < p.length) return p[pi + 1] === ch ? 2 : 0;
  if (c !== '[') return c === ch ? 1 : 0;
  let i = pi + 1;
  const negate = p[i] === '!' || p[i] === '^';
  if (negate) i++;
  let matched = false;
  let first = true;
  while (i < p.length && (p[i] !== ']' || first)) {
    first = false;
    let lo = p[i] as string;
    if (lo === '\\' && i + 1 < p.length) lo = p[++i] as string;
    if (p[i + 1] === '-' && i + 2 < p.length && p[i + 2] !== ']') {
      let hi = p[i + 2] as string;
      let skip = 3;
      if (hi === '\\' && i + 3 < p.length) {
        hi = p[i + 3] as string;
        skip = 4;
      }
      if (lo <= ch && ch <= hi) matched = true;
      i += skip;
    } else {
      if (lo === ch) matched = true;
      i++;
    }
  }
  if (i >= p.length) return ch === '[' ? 1 : 0; // unterminated: a literal '['
  return matched !== negate ? i - pi + 1 : 0;
}

/**
 * Falco's `pmatch`: whether `path` lies at or under one of `prefixes`, compared component by
 * component (`/opt/dir` covers `/opt/dir/x` but `/opt/di` does not), each prefix component being
 * a glob pattern.
 */
export function pathPrefixMatch(prefixes: readonly string[], path: string): boolean {
  const parts = splitPath(path);
  return prefixes.some((prefix) => {
    const want = splitPath(prefix);
    if (want.length > parts.length) return false;
    return want.every((w, i) => globMatch(w, parts[i] as string));
  });
}

function splitPath(path: string): string[] {
  return path.split('/').filter((c) => c !== '');
}
