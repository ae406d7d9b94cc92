import type { TextParser } from '../../core/decoder.js';
import { isObject } from '../../core/json.js';

/**
 * The members whose parse is reused, in the order Tetragon's export writes them at the start of
 * every process event: each is headed by its exec_id, which finds the earlier sighting.
 */
const MEMBERS = [
  { head: '"process":{"exec_id":"', name: 'process', next: ',"parent":{' },
  { head: '"parent":{"exec_id":"', name: 'parent', next: ',"function_name":"' },
] as const;

/** Every process event line of the export starts so (`{"process_kprobe":{...`). */
const LINE_HEAD = '{"process_';

/** The longest event key looked for (`process_tracepoint` and the like are far shorter). */
const MAX_KEY = 40;

/** One member as last seen: its exact text (name and value) and its parse. */
interface Member {
  readonly text: string;
  readonly value: unknown;
  /** For a subject: the parent it was last seen with, tried before a lookup. */
  parent?: Member;
}

export interface TetragonLineParserOptions {
  /** Members remembered per kind (subjects, parents); the oldest go first. Default 8 192. */
  readonly maxEntries?: number;
}

/**
 * Parses the lines of Tetragon's JSON export, reusing the parse of the `process` and `parent`
 * members when a line repeats them. Three in four lines are a process's file or network events,
 * and each repeats its process and parent, character for character, in 1.5 KB of the line's
 * 1.8 KB: parsing them again was most of the cost of decoding.
 *
 * The result is what `JSON.parse` gives for the line (same members, same order), except that a
 * repeated member is the same object as at its earlier sighting, so nothing downstream may
 * change parsed records (nothing does). A member is reused only when the line holds exactly
 * the text it was parsed from; anything unusual (another shape, an escape in the exec_id, a
 * duplicate member, invalid JSON) falls back to the plain parse, which also words the errors.
 */
export class TetragonLineParser implements TextParser {
  readonly #known: readonly Map<string, Member>[] = MEMBERS.map(() => new Map<string, Member>());
  readonly #max: number;
  /** Member lookups and hits since the last check, and lines left to the plain parse. */
  #lookups = 0;
  #hits = 0;
  #bypass = 0;

  constructor(options: TetragonLineParserOptions = {}) {
    this.#max = Math.max(1, Math.floor(options.maxEntries ?? 8192));
  }

  /** Members remembered, for the state's size. */
  get size(): number {
    let n = 0;
    for (const m of this.#known) n += m.size;
    return n;
  }

  parse(text: string): unknown {
    // Where descriptions keep changing (a process's threads each give their own tid), a miss
    // costs more than the plain parse: when fewer than a quarter of the lookups hit, the plain
    // parse takes the next lines, then the parser tries again.
    if (this.#bypass > 0) {
      this.#bypass--;
      return undefined;
    }
    if (this.#lookups >= CHECK_EVERY) {
      if (this.#hits * 4 < this.#lookups) this.#bypass = BYPASS_LINES;
      this.#lookups = 0;
      this.#hits = 0;
      if (this.#bypass > 0) return undefined;
    }
    if (text.slice(0, LINE_HEAD.length) !== LINE_HEAD) return undefined;
    const open = text.indexOf('":{', LINE_HEAD.length);
    if (open < 0 || open > MAX_KEY) return undefined;
    const start = open + 3;
    let pos = start;
    let found = 0;
    let m0: Member | undefined;
    let m1: Member | undefined;
    for (; found < MEMBERS.length; found++) {
      // Members are separated by a comma (what follows the last one reused is checked below).
      const at = found === 0 ? pos : pos + 1;
      if (found > 0 && text.charCodeAt(pos) !== COMMA) break;
      // A process's parent rarely changes: the one it came with last time is compared first.
      const last = found === 1 ? m0?.parent : undefined;
      const same = last !== undefined && text.slice(at, at + last.text.length) === last.text;
      if (same) {
        this.#lookups++;
        this.#hits++;
      }
      const m = same ? last : this.#member(text, at, found);
      if (m === undefined) break;
      if (found === 0) m0 = m;
      else m1 = m;
      pos = at + m.text.length;
    }
    if (m0 === undefined) return undefined;
    if (m1 !== undefined) m0.parent = m1;
    // The rest of the line without the reused members and the comma after them. What follows
    // them must be the next member or the body's end: with anything else the line is not JSON,
    // though the rest without them might be.
    const comma = text.charCodeAt(pos) === COMMA;
    if (comma ? text.charCodeAt(pos + 1) !== QUOTE : text.charCodeAt(pos) !== CLOSE) return undefined;
    let record: unknown;
    try {
      record = JSON.parse(text.slice(0, start) + text.slice(comma ? pos + 1 : pos));
    } catch {
      return undefined;
    }
    if (!isObject(record)) return undefined;
    const key = text.slice(2, open);
    const rest = record[key];
    // A later duplicate of a reused member (or of the whole event) is the value `JSON.parse`
    // keeps: such a line is left to it.
    if (!isObject(rest) || PROCESS in rest || (m1 !== undefined && PARENT in rest)) return undefined;
    // The members first, as in the line (key order shows wherever a record is printed).
    record[key] = m1 === undefined ? { process: m0.value, ...rest } : { process: m0.value, parent: m1.value, ...rest };
    // An exited process's later events are rare (kprobes trailing the exit): its entry goes.
    if (key === 'process_exit') this.#forget(text, start);
    return record;
  }

  /** The member of kind `i` at `pos`, reused or parsed and remembered; undefined if it is not there. */
  #member(text: string, pos: number, i: number): Member | undefined {
    const { head, name, next } = MEMBERS[i] as (typeof MEMBERS)[number];
    if (text.slice(pos, pos + head.length) !== head) return undefined;
    const id = keyAt(text, pos + head.length);
    if (id === undefined) return undefined;
    const known = this.#known[i] as Map<string, Member>;
    const seen = known.get(id);
    // Comparing the text is a memory compare (slice and ===; `startsWith` at an offset is many
    // times slower on long strings).
    this.#lookups++;
    if (seen !== undefined && text.slice(pos, pos + seen.text.length) === seen.text) {
      this.#hits++;
      return seen;
    }
    const valueStart = pos + name.length + 3;
    // Where the member usually ends is where the next one usually starts. A changed member
    // usually keeps its length (a counter or a thread id that changed), so that is looked at
    // first, then the native search (over a kilobyte, it costs as much as parsing the member),
    // where walking the text in JavaScript would cost more. A JSON value's end follows from its
    // start, so if the text up to there parses, that is the end; else it is walked.
    const same = seen === undefined ? -1 : pos + seen.text.length;
    let end = same >= 0 && text.slice(same, same + next.length) === next ? same : text.indexOf(next, valueStart);
    let value = end < 0 ? undefined : parsed(text.slice(valueStart, end));
    if (value === undefined) {
      end = valueEnd(text, valueStart);
      if (end < 0) return undefined;
      value = parsed(text.slice(valueStart, end));
      if (value === undefined) return undefined;
    }
    // Copies, not slices: a slice would keep the whole read buffer it came from alive.
    const m: Member = { text: detached(text.slice(pos, end)), value };
    if (seen !== undefined) known.delete(id);
    known.set(detached(id), m);
    if (known.size > this.#max) {
      const oldest = known.keys().next();
      if (oldest.done !== true) known.delete(oldest.value);
    }
    return m;
  }

  #forget(text: string, pos: number): void {
    const id = keyAt(text, pos + MEMBERS[0].head.length);
    if (id !== undefined) (this.#known[0] as Map<string, Member>).delete(id);
  }
}

/** Member lookups between two looks at the hit rate, and lines left to the plain parse after a poor one. */
const CHECK_EVERY = 256;
const BYPASS_LINES = 4096;

/** Characters of the exec_id's end that key a member. */
const KEY_CHARS = 16;

/**
 * The key of the member whose exec_id starts at `idStart`: the id's tail (pid and start time, in
 * Tetragon's base64 ids). Hashing the whole fresh id string twice per line cost more than the
 * rest of the lookup; a shared tail only makes two processes take turns in the entry, and the
 * text comparison decides.
 */
function keyAt(text: string, idStart: number): string | undefined {
  const idEnd = text.indexOf('"', idStart);
  return idEnd < 0 ? undefined : text.slice(Math.max(idStart, idEnd - KEY_CHARS), idEnd);
}

const COMMA = 0x2c;
const CLOSE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Where the JSON object or array starting at `from` ends (the index after its closing bracket),
 * by its brackets outside strings; -1 if it does not end. Only the extent is found here: the
 * value is then checked by `JSON.parse`.
 */
function valueEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

const PROCESS = 'process';
const PARENT = 'parent';

/** The parse of a JSON text, or undefined if it is not one. */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A string with its own storage (V8 keeps a slice's parent string alive). */
function detached(s: string): string {
  return (` ${s}`).slice(1);
}
