/**
 * Compiled correlation rules (docs/correlation.md): what load.ts produces and the engine runs.
 * A rule is a pattern of steps over inputs (signals, threats, raw events) joined on a key, in a
 * window of event time, that outputs a threat or an attack.
 */
import type { VigilEvent } from '../core/event.js';
import type { Severity } from '../core/threat.js';
import type { Position } from '../rules/diagnostics.js';

/** Which signals a step takes: any of its alternatives (`signal: [{…}, {…}]`). */
export interface SignalMatcher {
  readonly kind: 'signal';
  readonly alternatives: readonly SignalCriteria[];
  /** The one source every alternative names, if they agree (for field attributes). */
  readonly source?: string;
}

/** One set of criteria: every given criterion must hold; within one, any value. */
export interface SignalCriteria {
  readonly rules?: ReadonlySet<string>;
  readonly tags?: ReadonlySet<string>;
  /** A technique matches itself and its sub-techniques (`T1552` takes `T1552.005`). */
  readonly techniques?: readonly string[];
  readonly sources?: ReadonlySet<string>;
  /** For behavioural signals: the feature (`destination`, `exec`…). */
  readonly features?: ReadonlySet<string>;
}

/** Which threats a step takes (rule-on-rule chaining). */
export interface ThreatMatcher {
  readonly kind: 'threat';
  readonly names?: ReadonlySet<string>;
  readonly techniques?: readonly string[];
  readonly tactics?: ReadonlySet<string>;
  readonly minSeverity?: number;
}

/** Which raw events a step takes: a Falco-syntax condition over one source's fields. */
export interface EventMatcher {
  readonly kind: 'event';
  readonly source: string;
  readonly condition: string;
  readonly predicate: (event: VigilEvent) => boolean;
}

export type Matcher = SignalMatcher | ThreatMatcher | EventMatcher;

/**
 * What a key, an aggregate or a binding reads from an input: entities of a type (their ids, or
 * their names with `.name`), the signal's rule or behavioural value, or a field of the event.
 */
export type Attribute =
  | { readonly kind: 'entity'; readonly type: string; readonly part: 'id' | 'name'; readonly text: string }
  | { readonly kind: 'rule'; readonly text: string }
  | { readonly kind: 'value'; readonly text: string }
  | { readonly kind: 'field'; readonly source: string; readonly get: (event: VigilEvent) => unknown; readonly text: string }
  /** `container|node`: the first of them the input has. */
  | { readonly kind: 'first'; readonly alternatives: readonly Attribute[]; readonly text: string };

export interface Aggregate {
  readonly of: Attribute;
  readonly min: number;
}

export interface Step {
  /** The name bindings refer to (`as:`), else `step1`, `step2`… */
  readonly id: string;
  readonly index: number;
  readonly matcher: Matcher;
  /** Inputs needed (`count:`; repeats, `runs` in EQL). */
  readonly count: number;
  readonly distinct?: Aggregate;
  readonly sum?: Aggregate;
  /** Most time from the previous step's completion to this one's (sequences only). */
  readonly withinMs?: number;
  /** This step's own key, when its inputs name the shared thing differently. */
  readonly by?: readonly Attribute[];
  /** An absence: the pattern completes when no such input comes within `withinMs`. */
  readonly absent: boolean;
  /** Attributes the pattern reads from this step's inputs (aggregates, bindings), extracted on arrival. */
  readonly position: Position;
}

/** `later.attr == earlier.attr` (or `!=`): a later step refers to an earlier one. */
export interface Binding {
  readonly left: { readonly step: number; readonly attr: Attribute };
  readonly op: '==' | '!=';
  readonly right: { readonly step: number; readonly attr: Attribute };
  readonly text: string;
}

export type PatternMode = 'sequence' | 'all' | 'any';

export interface CorrelationRule {
  readonly kind: 'threat' | 'attack';
  readonly name: string;
  readonly description: string;
  /** Definition order across files: ids and outputs follow it. */
  readonly index: number;
  readonly techniques: readonly string[];
  readonly tactics: readonly string[];
  readonly severity: Severity;
  readonly intent?: string;
  /** `{container}`-style template of the summary (threats) or explanation (attacks). */
  readonly summary?: string;
  /** Alternatives: an input is joined under every key it has among them. */
  readonly by: readonly Attribute[];
  readonly withinMs: number;
  readonly latenessMs: number;
  readonly mode: PatternMode;
  /** For `any`: how many distinct steps must hold. */
  readonly min: number;
  readonly steps: readonly Step[];
  readonly where: readonly Binding[];
  /** An input that ends the partial matches of its key. */
  readonly until?: Matcher;
  readonly enabled: boolean;
  readonly position: Position;
}
