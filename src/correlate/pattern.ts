/**
 * Whether the inputs held for one rule and key complete the rule's pattern, in event time and
 * whatever order they arrived in: a late CloudTrail record that belongs before the runtime event
 * already held still takes its place in the sequence. Buffers are small (capped per step), and
 * the search runs when an input arrives for a key that has no output yet, or when a late input
 * (or a threat recognised earlier than first thought) could make an open one complete earlier.
 */
import type { Entity } from '../core/entity.js';
import type { Aggregate, Binding, CorrelationRule, Step } from './model.js';

/**
 * One input as a pattern holds it: only what the pattern and its output need, never the record
 * (a million partial matches must fit in memory), and no array of its own.
 */
export interface Held {
  readonly id: string;
  readonly kind: 'signal' | 'threat' | 'event';
  readonly timeMs: number;
  readonly time: string;
  readonly entities: readonly Entity[];
  /** The signal's id (signal inputs); a threat's evidence is read from the threat itself. */
  readonly signal: string | undefined;
  /** The event's id (signal and event inputs). */
  readonly event: string | undefined;
  /** 0–3 for threats, from the signal's priority for signals. */
  readonly severity: number;
  readonly label: string;
  /** Values of the attributes the step's aggregates and bindings read, by attribute text. */
  readonly values: ReadonlyMap<string, readonly string[]> | undefined;
  readonly amount: number;
}

/** Which inputs completed each step. */
export type Assignment = readonly (readonly Held[])[];

/** Per step, the inputs held (none yet: undefined). */
export type Buffers = readonly (readonly Held[] | undefined)[];

function valuesOf(h: Held, text: string): readonly string[] {
  return h.values?.get(text) ?? [];
}

/** Whether `items` (time-ordered) meet the step's count and aggregates; the prefix that does. */
function satisfy(step: Step, items: readonly Held[]): readonly Held[] | undefined {
  const need = step.count;
  const distinct = step.distinct;
  const sum = step.sum;
  if (distinct === undefined && sum === undefined) return items.length >= need ? items.slice(0, need) : undefined;
  const seen = new Set<string>();
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const h = items[i] as Held;
    if (distinct !== undefined) for (const v of valuesOf(h, distinct.of.text)) seen.add(v);
    if (sum !== undefined) total += h.amount;
    if (i + 1 >= need && met(distinct, seen.size) && met(sum, total)) return items.slice(0, i + 1);
  }
  return undefined;
}

function met(a: Aggregate | undefined, value: number): boolean {
  return a === undefined || value >= a.min;
}

/** Whether `h` for step `index` agrees with the inputs already chosen for earlier steps. */
export function bound(where: readonly Binding[], index: number, h: Held, chosen: Assignment): boolean {
  for (const b of where) {
    const mine = b.left.step === index ? b.left : b.right.step === index ? b.right : undefined;
    const other = mine === b.left ? b.right : b.left;
    if (mine === undefined || other.step >= chosen.length) continue;
    const picked = chosen[other.step] ?? [];
    // A step that holds nothing (an unsatisfied step of `any`) binds nothing.
    if (picked.length === 0) continue;
    const a = valuesOf(h, mine.attr.text);
    const others = picked.flatMap((x) => valuesOf(x, other.attr.text));
    const shared = a.some((v) => others.includes(v));
    if (b.op === '==' ? !shared : shared) return false;
  }
  return true;
}

/** The inputs that completed each step, and the event time at which the pattern was complete. */
export interface Completion {
  readonly assignment: Assignment;
  readonly atMs: number;
  readonly at: string;
}

/** The latest of the inputs (the one that completed the step or pattern in event time). */
function latest(items: readonly Held[]): Held | undefined {
  let last: Held | undefined;
  for (const h of items) if (last === undefined || h.timeMs > last.timeMs || (h.timeMs === last.timeMs && h.id > last.id)) last = h;
  return last;
}

function better(a: Completion | undefined, b: Completion): Completion {
  return a === undefined || b.atMs < a.atMs ? b : a;
}

/** Sequence: steps in order of event time, the whole within the window (an absent last step excluded). */
function sequence(rule: CorrelationRule, buffers: Buffers): Completion | undefined {
  const steps = rule.steps.filter((s) => !s.absent);
  const first = buffers[0] ?? [];
  let best: Completion | undefined;
  for (let k = 0; k < first.length; k++) {
    const start = first[k] as Held;
    const end = start.timeMs + rule.withinMs;
    const chosen: (readonly Held[])[] = [];
    const used = new Set<string>();
    let prev = start.timeMs;
    let last: Held = start;
    let ok = true;
    for (const step of steps) {
      const limit = step.withinMs === undefined || step.index === 0 ? end : Math.min(end, prev + step.withinMs);
      const pool = step.index === 0 ? first.slice(k) : (buffers[step.index] ?? []);
      const items = pool.filter((h) => h.timeMs >= prev && h.timeMs <= limit && !used.has(h.id) && bound(rule.where, step.index, h, chosen));
      const got = satisfy(step, items);
      if (got === undefined) {
        ok = false;
        break;
      }
      for (const h of got) used.add(h.id);
      chosen.push(got);
      last = got.at(-1) as Held;
      prev = last.timeMs;
    }
    if (ok) best = better(best, { assignment: chosen, atMs: last.timeMs, at: last.time });
  }
  return best;
}

/** All of the steps (or `min` of them, for any) within one window, in any order. */
function set(rule: CorrelationRule, buffers: Buffers): Completion | undefined {
  const starts = [...new Set(buffers.flatMap((b) => (b ?? []).map((h) => h.timeMs)))].sort((a, b) => a - b);
  let best: Completion | undefined;
  for (const t of starts) {
    const end = t + rule.withinMs;
    const chosen: (readonly Held[])[] = [];
    const done: Held[] = [];
    for (const step of rule.steps) {
      const items = (buffers[step.index] ?? []).filter((h) => h.timeMs >= t && h.timeMs <= end && bound(rule.where, step.index, h, chosen));
      const got = satisfy(step, items);
      chosen.push(got ?? []);
      const l = got === undefined ? undefined : latest(got);
      if (l !== undefined) done.push(l);
    }
    if (done.length < rule.min) continue;
    // Complete when the min-th step was: the steps' own completions, in time order.
    done.sort((a, b) => a.timeMs - b.timeMs || (a.id < b.id ? -1 : 1));
    const when = done[rule.min - 1] as Held;
    best = better(best, { assignment: chosen, atMs: when.timeMs, at: when.time });
  }
  return best;
}

/**
 * Whether the held inputs complete the pattern and, of the ways they do, the one complete
 * earliest in event time: the same answer whatever order the inputs arrived in.
 */
export function complete(rule: CorrelationRule, buffers: Buffers): Completion | undefined {
  return rule.mode === 'sequence' ? sequence(rule, buffers) : set(rule, buffers);
}

/** Inserts `h` in time order (then id, so any arrival order gives the same buffer). */
export function insertHeld(buffer: Held[], h: Held): void {
  let i = buffer.length;
  while (i > 0) {
    const p = buffer[i - 1] as Held;
    if (p.timeMs < h.timeMs || (p.timeMs === h.timeMs && p.id <= h.id)) break;
    i--;
  }
  if (i > 0 && (buffer[i - 1] as Held).id === h.id) return;
  buffer.splice(i, 0, h);
}

/** How many inputs a step keeps per key: enough for its count and aggregates, never unbounded. */
export function stepCap(step: Step): number {
  if (step.sum !== undefined) return 1024;
  return Math.min(1024, Math.max(16, 2 * step.count, 2 * (step.distinct?.min ?? 0)));
}
