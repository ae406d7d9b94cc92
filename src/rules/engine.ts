/**
 * Runs a compiled rule set over events. Rules are grouped by rule source and indexed by the
 * source's index fields (`evt.type` for syscall events; resource and verb for audit events; the
 * API call for CloudTrail): the loader derives, per rule and field, the values the rule can
 * match, and an event is tested only against the rules that admit its values, in definition
 * order. `first` (Falco's default) stops at the first matching rule; `all` reports every one.
 */
import type { ConditionListEvaluator, FieldValue } from '../lang/index.js';
import type { TypeSet } from './evttypes.js';
import type { CompiledRule, RuleSet, SourceIndex } from './load.js';

export const RULE_MATCHING = ['first', 'all'] as const;
export type RuleMatching = (typeof RULE_MATCHING)[number];

/** Which events a rule source applies to. */
export interface SourceBinding<E> {
  readonly name: string;
  accepts(event: E): boolean;
}

/** Candidate lists per combination of index values are kept up to this many combinations. */
const MAX_CACHED_KEYS = 4096;
/** Index keys of their own kind, so no value a rule names can collide with them. */
const MISSING = Symbol('missing');
const OTHER = Symbol('other');

/**
 * The rules an event may match (a candidate list), with the one generated function that tests
 * them in order (RuleSet.evaluator), made when the list is first evaluated. Lists with the same
 * rules share one leaf, so one function.
 */
class Leaf<E> {
  readonly rules: readonly CompiledRule<E>[];
  /** `[rule]` per rule: what `first` returns, made once instead of per match. */
  readonly singles: readonly (readonly CompiledRule<E>[])[];
  run: ConditionListEvaluator<E> | undefined;

  constructor(rules: readonly CompiledRule<E>[]) {
    this.rules = rules;
    this.singles = rules.map((r) => Object.freeze([r]));
  }
}

type IndexNode<E> = Leaf<E> | Map<string | symbol, unknown>;

interface SourceRules<E> {
  readonly binding: SourceBinding<E>;
  readonly all: Leaf<E>;
  readonly index: SourceIndex<E> | undefined;
  /**
   * Per index field, the values some rule names. Any other value is admitted or refused alike
   * by every rule, so it is looked up as OTHER: the index stays as small as the rules, however
   * many process names or container ids the events carry.
   */
  readonly named: readonly ReadonlySet<string>[];
  /** Nested by index field: value of the first → value of the second → … → leaf. */
  readonly byKey: Map<string | symbol, unknown>;
  /** The index values of the event being looked up (scratch, for building a node on a miss). */
  readonly values: (string | undefined)[];
}

/** A constraint every value meets (the rule does not narrow this field). */
function admitsAll(set: TypeSet | undefined): boolean {
  return set === undefined || (set.all && set.names.size === 0);
}

function admits(set: TypeSet | undefined, value: string | undefined): boolean {
  // A missing value admits every rule: a negated check on it holds.
  if (set === undefined || value === undefined) return true;
  return set.all ? !set.names.has(value) : set.names.has(value);
}

export class RuleEngine<E> {
  readonly #set: RuleSet<E>;
  readonly #sources: SourceRules<E>[];
  readonly #all: boolean;
  readonly #none: readonly CompiledRule<E>[] = [];
  /** Leaves by their rules' positions, so equal candidate lists share one generated function. */
  readonly #leaves = new Map<string, Leaf<E>>();
  /** Positions of the rules that fired (`all`), reused across events. */
  readonly #hits: number[] = [];
  #cached = 0;

  constructor(set: RuleSet<E>, bindings: readonly SourceBinding<E>[], matching: RuleMatching = 'first') {
    this.#set = set;
    this.#all = matching === 'all';
    this.#sources = bindings.map((binding) => {
      const rules = set.rules.filter((r) => r.enabled && r.canMatch && r.source === binding.name);
      const index = set.indexes.get(binding.name);
      const named = (index?.fields ?? []).map((_, i) => new Set(rules.flatMap((r) => [...(r.constraints[i]?.names ?? [])])));
      return { binding, all: this.#leafOf(rules), index, named, byKey: new Map(), values: [] };
    });
  }

  /** The rules that can match `event`, in definition order. */
  candidates(event: E): readonly CompiledRule<E>[] {
    return this.#leaf(event)?.rules ?? this.#none;
  }

  #leaf(event: E): Leaf<E> | undefined {
    const sources = this.#sources;
    for (let k = 0; k < sources.length; k++) {
      const s = sources[k] as SourceRules<E>;
      if (!s.binding.accepts(event)) continue;
      const index = s.index;
      if (index === undefined || index.getters.length === 0) return s.all;
      // One small map per index field, nested: no key string is built per event. A node is the
      // leaf as soon as the values read so far decide it, so the later index fields are not
      // even extracted (no rule reads a `read` event, whatever its process).
      let level: Map<string | symbol, unknown> = s.byKey;
      const getters = index.getters;
      const values = s.values;
      for (let i = 0; i < getters.length; i++) {
        const v = (getters[i] as (event: E) => FieldValue | undefined)(event);
        const text = typeof v === 'string' ? v : v === undefined || Array.isArray(v) ? undefined : String(v);
        const key = text === undefined ? MISSING : (s.named[i] as ReadonlySet<string>).has(text) ? text : OTHER;
        values[i] = text;
        let next = level.get(key) as IndexNode<E> | undefined;
        if (next === undefined) {
          next = this.#node(s, i);
          if (this.#cached < MAX_CACHED_KEYS) {
            level.set(key, next);
            this.#cached++;
          }
        }
        if (next instanceof Leaf) return next;
        level = next;
      }
      return s.all;
    }
    return undefined;
  }

  /**
   * The index node under the first `depth + 1` values in `s.values`: the leaf of the rules that
   * admit them, when the remaining index fields cannot narrow that list (it is empty, or no rule
   * in it constrains a later field), else a map for the next field. Built once per combination.
   */
  #node(s: SourceRules<E>, depth: number): IndexNode<E> {
    const values = s.values;
    // (An unnamed value is selected for as itself: every rule treats it as it treats OTHER.)
    const admitted = s.all.rules.filter((r) => {
      for (let i = 0; i <= depth; i++) if (!admits(r.constraints[i], values[i])) return false;
      return true;
    });
    const fields = s.index?.getters.length ?? 0;
    const decided = depth === fields - 1 || admitted.every((r) => r.constraints.slice(depth + 1, fields).every(admitsAll));
    return decided ? this.#leafOf(admitted) : new Map<string | symbol, unknown>();
  }

  #leafOf(rules: readonly CompiledRule<E>[]): Leaf<E> {
    const key = rules.map((r) => r.index).join(',');
    let leaf = this.#leaves.get(key);
    if (leaf === undefined) {
      leaf = new Leaf(rules);
      this.#leaves.set(key, leaf);
    }
    return leaf;
  }

  /** The rules that fire on `event`: the first match, or every match with `all`. */
  evaluate(event: E): readonly CompiledRule<E>[] {
    const leaf = this.#leaf(event);
    if (leaf === undefined || leaf.rules.length === 0) return this.#none;
    const run = (leaf.run ??= this.#set.evaluator(leaf.rules, this.#all));
    const hits = this.#hits;
    if (!this.#all) {
      const i = run(event, hits);
      return i < 0 ? this.#none : (leaf.singles[i] as readonly CompiledRule<E>[]);
    }
    hits.length = 0;
    run(event, hits);
    if (hits.length === 0) return this.#none;
    const out: CompiledRule<E>[] = [];
    for (let i = 0; i < hits.length; i++) out.push(leaf.rules[hits[i] as number] as CompiledRule<E>);
    return out;
  }

  /** Index entries kept so far, for observability. */
  get indexedKeys(): number {
    return this.#cached;
  }
}
