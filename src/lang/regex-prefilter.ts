/**
 * A literal prefilter for `regex` checks. The regex engine is RE2's linear-time algorithm in
 * JavaScript (re2js), safe against catastrophic patterns but slow: about half a microsecond per
 * match of a short path. Most values cannot match anyway, and most patterns name words every
 * match must contain (`.*[.](locked|encrypted|…)` needs one of the extensions). So the pattern is
 * read once, at compile time, for a set of literals one of which every match contains; a value
 * containing none of them is refused without running the regex.
 *
 * The analysis is conservative: any construct it does not know (flags other than a leading
 * `(?i)`, escapes other than punctuation and the `\d\w\s` classes, non-ASCII text, bad syntax)
 * gives no prefilter, and the regex alone decides. The prefilter is a plain alternation of
 * escaped literals, which JavaScript's engine matches without backtracking blow-ups.
 */

/** What a sub-pattern says about the strings it matches. */
interface Info {
  /** It matches exactly one of these strings (null: unknown, or too many). */
  readonly exact: readonly string[] | null;
  /** Every string it matches contains one of these (null: nothing known). */
  readonly required: readonly string[] | null;
}

/** Most alternatives kept while combining exact sets, and literals in a prefilter. */
const MAX_SET = 64;
/** Literals shorter than this filter too little to pay for the check. */
const MIN_LITERAL = 2;

const UNKNOWN: Info = { exact: null, required: null };
const EMPTY: Info = { exact: [''], required: null };

class Unsupported extends Error {}

function requiredOf(i: Info): readonly string[] | null {
  if (i.required !== null) return best(i.required, exactAsRequired(i.exact));
  return exactAsRequired(i.exact);
}

function exactAsRequired(exact: readonly string[] | null): readonly string[] | null {
  return exact === null || exact.includes('') ? null : exact;
}

/** The more selective of two requirements: the longer shortest literal, then the fewer. */
function best(a: readonly string[] | null, b: readonly string[] | null): readonly string[] | null {
  if (a === null) return b;
  if (b === null) return a;
  const ma = Math.min(...a.map((s) => s.length));
  const mb = Math.min(...b.map((s) => s.length));
  if (ma !== mb) return ma > mb ? a : b;
  return a.length <= b.length ? a : b;
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/** Every concatenation of one of `a` with one of `b`, or null when there would be too many. */
function cross(a: readonly string[], b: readonly string[]): string[] | null {
  if (a.length * b.length > MAX_SET) return null;
  return unique(a.flatMap((x) => b.map((y) => x + y)));
}

/**
 * A sequence: the runs of consecutive parts known exactly join into longer literals (`secrets/`
 * then `(kubernetes[.]io|…)` gives `secrets/kubernetes.io`), each run a candidate requirement.
 */
function sequence(parts: readonly Info[]): Info {
  let required: readonly string[] | null = null;
  let run: readonly string[] = [''];
  let whole: readonly string[] | null = [''];
  for (const p of parts) {
    if (p.exact !== null) {
      const longer = cross(run, p.exact);
      if (longer === null) {
        required = best(required, exactAsRequired(run));
        run = p.exact;
      } else {
        run = longer;
      }
      whole = whole === null ? null : cross(whole, p.exact);
      required = best(required, p.required);
    } else {
      required = best(best(required, exactAsRequired(run)), p.required);
      run = [''];
      whole = null;
    }
  }
  return { exact: whole, required: best(required, exactAsRequired(run)) };
}

function alternate(alts: readonly Info[]): Info {
  const all = alts.every((a) => a.exact !== null);
  const exacts = all ? unique(alts.flatMap((a) => a.exact as readonly string[])) : null;
  const exact = exacts !== null && exacts.length <= MAX_SET ? exacts : null;
  let required: string[] | null = [];
  for (const a of alts) {
    const r = requiredOf(a);
    if (r === null) {
      required = null;
      break;
    }
    required.push(...r);
  }
  return { exact, required: required === null ? null : unique(required) };
}

function repeat(atom: Info, min: number, max: number): Info {
  if (min === 0) return UNKNOWN;
  if (min === 1 && max === 1) return atom;
  return { exact: null, required: requiredOf(atom) };
}

/** Reads an RE2 pattern; throws Unsupported on anything it does not model. */
class Reader {
  readonly #p: string;
  #i = 0;

  constructor(pattern: string) {
    this.#p = pattern;
  }

  get done(): boolean {
    return this.#i >= this.#p.length;
  }

  alternation(): Info {
    const alts = [this.#sequence()];
    while (this.#p[this.#i] === '|') {
      this.#i++;
      alts.push(this.#sequence());
    }
    return alts.length === 1 ? (alts[0] as Info) : alternate(alts);
  }

  #sequence(): Info {
    const parts: Info[] = [];
    while (!this.done && this.#p[this.#i] !== '|' && this.#p[this.#i] !== ')') parts.push(this.#quantified());
    return sequence(parts);
  }

  #quantified(): Info {
    const atom = this.#atom();
    const c = this.#p[this.#i];
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      this.#i++;
      min = c === '+' ? 1 : 0;
      max = c === '?' ? 1 : Infinity;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.#p.slice(this.#i));
      if (m === null) throw new Unsupported('brace');
      this.#i += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    } else {
      return atom;
    }
    if (this.#p[this.#i] === '?') this.#i++;
    const next = this.#p[this.#i];
    if (next !== undefined && '*+?{'.includes(next)) throw new Unsupported('stacked quantifier');
    return repeat(atom, min, max);
  }

  #atom(): Info {
    const c = this.#p[this.#i] as string;
    this.#i++;
    switch (c) {
      case '(': {
        if (this.#p[this.#i] === '?') {
          if (this.#p[this.#i + 1] !== ':') throw new Unsupported('group flags');
          this.#i += 2;
        }
        const inner = this.alternation();
        if (this.#p[this.#i] !== ')') throw new Unsupported('unclosed group');
        this.#i++;
        return inner;
      }
      case '[':
        return this.#cls();
      case '.':
        return UNKNOWN;
      case '^':
      case '$':
        return EMPTY;
      case '\\':
        return this.#escape();
      case '*':
      case '+':
      case '?':
      case '{':
      case ')':
      case '|':
        throw new Unsupported('misplaced operator');
      default:
        return literal(c);
    }
  }

  #escape(): Info {
    const c = this.#p[this.#i];
    if (c === undefined) throw new Unsupported('trailing backslash');
    this.#i++;
    if ('dDwWsS'.includes(c)) return UNKNOWN;
    if ('bBAz'.includes(c)) return EMPTY;
    if (/[!-/:-@[-`{-~]/.test(c)) return literal(c);
    throw new Unsupported(`escape \\${c}`);
  }

  /** A bracket class: one literal when it names exactly one character, else nothing known. */
  #cls(): Info {
    const start = this.#i;
    let negated = false;
    if (this.#p[this.#i] === '^') {
      negated = true;
      this.#i++;
    }
    const chars: string[] = [];
    let plain = true;
    let first = true;
    for (;;) {
      const c = this.#p[this.#i];
      if (c === undefined) throw new Unsupported('unclosed class');
      if (c === ']' && !first) break;
      first = false;
      if (c === '[' && this.#p[this.#i + 1] === ':') {
        const end = this.#p.indexOf(':]', this.#i + 2);
        if (end < 0) throw new Unsupported('posix class');
        this.#i = end + 2;
        plain = false;
        continue;
      }
      if (c === '\\') {
        const e = this.#p[this.#i + 1];
        if (e === undefined) throw new Unsupported('trailing backslash');
        this.#i += 2;
        if (/[!-/:-@[-`{-~]/.test(e)) chars.push(e);
        else if ('dDwWsS'.includes(e)) plain = false;
        else throw new Unsupported(`escape \\${e} in class`);
        continue;
      }
      if (this.#p[this.#i + 1] === '-' && this.#p[this.#i + 2] !== ']' && this.#p[this.#i + 2] !== undefined) {
        // A range.
        this.#i += 3;
        plain = false;
        continue;
      }
      if (c.charCodeAt(0) > 0x7e) throw new Unsupported('non-ASCII');
      chars.push(c);
      this.#i++;
    }
    this.#i++;
    if (this.#i - start > 200) throw new Unsupported('long class');
    const distinct = unique(chars);
    return !negated && plain && distinct.length === 1 ? literal(distinct[0] as string) : UNKNOWN;
  }
}

function literal(c: string): Info {
  if (c.charCodeAt(0) > 0x7e || c.charCodeAt(0) < 0x20) throw new Unsupported('non-ASCII');
  return { exact: [c], required: null };
}

function escapeForRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * A test every value the RE2 `pattern` matches passes (the converse does not hold: the regex
 * still decides), or undefined when the pattern names nothing every match must contain.
 */
export function regexPrefilter(pattern: string): RegExp | undefined {
  let body = pattern;
  let fold = false;
  if (body.startsWith('(?i)')) {
    fold = true;
    body = body.slice(4);
  }
  let info: Info;
  try {
    const reader = new Reader(body);
    info = reader.alternation();
    if (!reader.done) return undefined;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  const required = requiredOf(info);
  if (required === null || required.length === 0 || required.length > MAX_SET) return undefined;
  const literals = unique(required.map((s) => (fold ? s.toLowerCase() : s)));
  if (literals.some((s) => s.length < MIN_LITERAL)) return undefined;
  return new RegExp(literals.map(escapeForRegExp).join('|'), fold ? 'i' : '');
}
