/**
 * Runs a compiled rule set over events. Rules are grouped by rule source and indexed by the
 * source's index fields (`evt.type` for syscall events; resource and verb for audit events; the
 * API call for CloudTrail): the loader derives, per rule and field, the values the rule can
 * match, and an event is tested only against the rules that admit its values, in definition
 * order. `first` (Falco's default) stops at the first matching rule; `all` reports every one.
 */
import type { FieldValue } from '../lang/index.js';
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
const MISSING = '\u0000';
const SEPARATOR = '\u0001';

interface SourceRules<E> {
  readonly binding: SourceBinding<E>;
  readonly rules: readonly CompiledRule<E>[];
  readonly index: SourceIndex<E> | undefined;
  readonly byKey: Map<string, readonly CompiledRule<E>[]>;
}

function admits(set: TypeSet | undefined, value: string | undefined): boolean {
  // A missing value admits every rule: a negated check on it holds.
  if (set === undefined || value === undefined) return true;
  return set.all ? !set.names.has(value) : set.names.has(value);
}

export class RuleEngine<E> {
  readonly #sources: SourceRules<E>[];
  readonly #matching: RuleMatching;
  readonly #none: readonly CompiledRule<E>[] = [];

  constructor(set: RuleSet<E>, bindings: readonly SourceBinding<E>[], matching: RuleMatching = 'first') {
    this.#matching = matching;
    this.#sources = bindings.map((binding) => ({
      binding,
      rules: set.rules.filter((r) => r.enabled && r.source === binding.name),
      index: set.indexes.get(binding.name),
      byKey: new Map(),
    }));
  }

  /** The rules that can match `event`, in definition order. */
  candidates(event: E): readonly CompiledRule<E>[] {
    for (const s of this.#sources) {
      if (!s.binding.accepts(event)) continue;
      const index = s.index;
      if (index === undefined || index.getters.length === 0) return s.rules;
      const values: (string | undefined)[] = [];
      let key = '';
      for (const get of index.getters) {
        const v: FieldValue | undefined = get(event);
        const text = v === undefined || Array.isArray(v) ? undefined : String(v);
        values.push(text);
        key += (text ?? MISSING) + SEPARATOR;
      }
      let rules = s.byKey.get(key);
      if (rules === undefined) {
        rules = s.rules.filter((r) => values.every((v, i) => admits(r.constraints[i], v)));
        if (s.byKey.size < MAX_CACHED_KEYS) s.byKey.set(key, rules);
      }
      return rules;
    }
    return this.#none;
  }

  /** The rules that fire on `event`: the first match, or every match with `all`. */
  evaluate(event: E): readonly CompiledRule<E>[] {
    const rules = this.candidates(event);
    let hits: CompiledRule<E>[] | undefined;
    for (const r of rules) {
      if (!r.predicate(event)) continue;
      if (this.#matching === 'first') return [r];
      (hits ??= []).push(r);
    }
    return hits ?? this.#none;
  }

  /** Index keys seen so far, for observability. */
  get indexedKeys(): number {
    return this.#sources.reduce((n, s) => n + s.byKey.size, 0);
  }
}
