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
  return pathPrefixMatcher(prefixes)(path);
}

/** One prefix component: compared as text unless it holds glob characters. */
type Component = { readonly text: string; readonly glob: boolean };

const GLOB_CHARS = /[*?[\\]/;

/**
 * `pmatch` against fixed prefixes, prepared once: the prefixes are split and classified at
 * compile time, and a clean absolute path (no `//`, `/./` or `/../`) is matched without being
 * split, by comparing it with the literal prefixes in place; other paths are split once.
 */
export function pathPrefixMatcher(prefixes: readonly string[]): (path: string) => boolean {
  const wants: Component[][] = prefixes.map((p) => splitPath(p).map((c) => ({ text: c, glob: GLOB_CHARS.test(c) })));
  // Prefixes without glob characters, as `/a/b`: a clean path is under one when it starts with
  // it and continues with `/` or ends there.
  const literal = wants.filter((w) => w.every((c) => !c.glob)).map((w) => `/${w.map((c) => c.text).join('/')}`);
  const globbed = wants.filter((w) => w.some((c) => c.glob));
  return (path) => {
    if (isCleanAbsolute(path)) {
      for (let i = 0; i < literal.length; i++) {
        const l = literal[i] as string;
        if (l === '/' || (path.startsWith(l) && (path.length === l.length || path.charCodeAt(l.length) === 47 /* / */))) return true;
      }
      if (globbed.length === 0) return false;
    }
    const parts = splitPath(path);
    const candidates = isCleanAbsolute(path) ? globbed : wants;
    for (let k = 0; k < candidates.length; k++) {
      const want = candidates[k] as Component[];
      if (want.length > parts.length) continue;
      let ok = true;
      for (let i = 0; i < want.length && ok; i++) {
        const c = want[i] as Component;
        const part = parts[i] as string;
        ok = c.glob ? globMatch(c.text, part) : c.text === part;
      }
      if (ok) return true;
    }
    return false;
  };
}

function isCleanAbsolute(path: string): boolean {
  return path.charCodeAt(0) === 47 && !path.includes('//') && !path.includes('/./') && !path.includes('/../') && !path.endsWith('/.') && !path.endsWith('/..');
}

function splitPath(path: string): string[] {
  return path.split('/').filter((c) => c !== '');
}
