/**
 * The streaming correlation engine: signals, raw events and the engine's own threats go in;
 * threats and attacks come out the moment the input that completes a pattern is processed, and
 * grow (new evidence, new threats, higher severity) while their window stays open.
 *
 * State is keyed by (rule, join key) and bounded: each step keeps a capped buffer, a key's state
 * is released once event time (the watermark: the newest event time seen, less the allowed
 * lateness) has passed its window, and the number of keys is capped (the least recently touched
 * go first, and are counted). Everything is in event time and ordered by content, so replaying
 * the same input gives the same output, and ids do not depend on arrival order within lateness.
 */
import type { EntityType } from '../core/entity.js';
import type { VigilEvent } from '../core/event.js';
import { stableId } from '../core/hash.js';
import { PRIORITIES, type Signal } from '../core/signal.js';
import { severityRank, type Attack, type Threat } from '../core/threat.js';
import type { SourceBinding } from '../rules/engine.js';
import { IdentityGraph } from './graph.js';
import { buildOutput, type OutputDraft } from './output.js';
import type { CorrelationSet } from './load.js';
import type { Attribute, CorrelationRule, Matcher, SignalCriteria, Step } from './model.js';
import { bound, complete, insertHeld, stepCap, type Completion, type Held } from './pattern.js';

export interface CorrelationOptions {
  /** Most (rule, key) states held at once; the least recently touched are dropped beyond it. */
  readonly maxKeys?: number;
  /** Called for every new or grown threat and attack, in the order they happen. */
  readonly onOutput?: (output: Threat | Attack, change: 'new' | 'updated') => void;
  /** Most entities the identity graph keeps. */
  readonly maxGraphNodes?: number;
}

/** Observable size of the engine's state. */
export interface CorrelationStats {
  readonly keys: number;
  readonly held: number;
  readonly evicted: number;
  readonly expired: number;
  readonly threats: number;
  readonly attacks: number;
  /** Entities in the identity graph. */
  readonly graph: number;
}

/** What an input to a rule is, before it is held: the Held plus what keys and attributes read. */
interface Input {
  readonly held: Omit<Held, 'values' | 'amount'>;
  readonly kind: 'signal' | 'threat' | 'event';
  readonly signal?: Signal;
  readonly threat?: Threat;
  readonly event?: VigilEvent;
}

interface KeyState {
  readonly rule: CorrelationRule;
  readonly key: string;
  /** Per step, the inputs held (made on the first one: most keys only ever see one step). */
  readonly buffers: (Held[] | undefined)[];
  /** When it was last touched, in inputs processed (which state is the least recently used). */
  touched: number;
  /** Newest event time held. */
  lastMs: number;
  /** The output this key's pattern produced and is growing, while its window is open. */
  open: OutputDraft | undefined;
  /** For a pattern ending in an absence: when the prefix completed, and until when to wait. */
  absence: { readonly afterMs: number; readonly deadlineMs: number; readonly held: readonly (readonly Held[])[] } | undefined;
}

const PRIORITY_SEVERITY: ReadonlyMap<string, number> = new Map(PRIORITIES.map((p, i) => [p, i <= 2 ? 3 : i === 3 ? 2 : i === 4 ? 1 : 0]));
/** Inputs between two sweeps of expired state. */
const SWEEP_EVERY = 1024;

function criteriaHold(c: SignalCriteria, s: Signal): boolean {
  if (c.rules !== undefined && !c.rules.has(s.rule)) return false;
  if (c.sources !== undefined && !c.sources.has(s.source)) return false;
  if (c.techniques !== undefined && !techniqueCovers(c.techniques, s.techniques)) return false;
  if (c.tags !== undefined && !s.tags.some((t) => c.tags?.has(t))) return false;
  if (c.features !== undefined && (s.anomaly === undefined || !c.features.has(s.anomaly.feature))) return false;
  return true;
}

/** A raw event as an input. */
function eventInput(event: VigilEvent): Input {
  return {
    kind: 'event',
    event,
    held: { id: event.id, kind: 'event', timeMs: event.timeMs, time: event.time, entities: event.entities, signal: undefined, event: event.id, severity: 0, label: event.action },
  };
}

function techniqueCovers(wanted: readonly string[], have: readonly string[]): boolean {
  return wanted.some((w) => have.some((h) => h === w || h.startsWith(`${w}.`)));
}

export class CorrelationEngine {
  readonly #rules: readonly CorrelationRule[];
  readonly #bindings: readonly SourceBinding<VigilEvent>[];
  readonly #maxKeys: number;
  readonly #onOutput: CorrelationOptions['onOutput'];
  /** Signal steps indexed by rule name; the others (by technique, tag, source) are scanned. */
  readonly #byRuleName = new Map<string, { rule: CorrelationRule; step: Step }[]>();
  readonly #otherSignalSteps: { rule: CorrelationRule; step: Step }[] = [];
  readonly #threatSteps: { rule: CorrelationRule; step: Step }[] = [];
  readonly #eventSteps = new Map<string, { rule: CorrelationRule; step: Step }[]>();
  /** The event steps of each binding's source, by the binding's position (read per event). */
  readonly #eventStepsOf: ({ rule: CorrelationRule; step: Step }[] | undefined)[];
  readonly #untils: { rule: CorrelationRule; matcher: Matcher }[] = [];
  /** Whether some rule ends its partial matches on a raw event (worked out once: read per event). */
  readonly #eventUntils: boolean;
  /** Per rule (by index), its keys' states, least recently touched first. */
  readonly #states: (Map<string, KeyState> | undefined)[] = [];
  #keyCount = 0;
  #touches = 0;
  readonly #threats = new Map<string, Threat>();
  readonly #attacks = new Map<string, Attack>();
  /** Which states hold a threat, so they see it grow. */
  readonly #consumers = new Map<string, Set<KeyState>>();
  readonly #pendingAbsence = new Set<KeyState>();
  /** Outputs produced per (rule, key), which number the next one's id. */
  readonly #ordinals = new Map<string, number>();
  readonly #graph: IdentityGraph;
  #maxEventMs = Number.NEGATIVE_INFINITY;
  #maxLatenessMs = 0;
  #sinceSweep = 0;
  #evicted = 0;
  #expired = 0;
  #held = 0;

  constructor(set: CorrelationSet, bindings: readonly SourceBinding<VigilEvent>[], options: CorrelationOptions = {}) {
    this.#rules = set.rules.filter((r) => r.enabled);
    this.#bindings = bindings;
    this.#maxKeys = options.maxKeys ?? 2_000_000;
    this.#onOutput = options.onOutput;
    this.#graph = new IdentityGraph(options.maxGraphNodes === undefined ? {} : { maxNodes: options.maxGraphNodes });
    for (const rule of this.#rules) {
      this.#maxLatenessMs = Math.max(this.#maxLatenessMs, rule.latenessMs);
      if (rule.until !== undefined) this.#untils.push({ rule, matcher: rule.until });
      for (const step of rule.steps) {
        const m = step.matcher;
        if (m.kind === 'signal') {
          for (const alt of m.alternatives) {
            if (alt.rules === undefined) {
              if (!this.#otherSignalSteps.some((x) => x.step === step)) this.#otherSignalSteps.push({ rule, step });
              continue;
            }
            for (const name of alt.rules) {
              const l = this.#byRuleName.get(name) ?? [];
              if (!l.some((x) => x.step === step)) l.push({ rule, step });
              this.#byRuleName.set(name, l);
            }
          }
        } else if (m.kind === 'threat') {
          this.#threatSteps.push({ rule, step });
        } else {
          const l = this.#eventSteps.get(m.source) ?? [];
          l.push({ rule, step });
          this.#eventSteps.set(m.source, l);
        }
      }
    }
    this.#eventUntils = this.#untils.some((u) => u.matcher.kind === 'event');
    this.#eventStepsOf = bindings.map((b) => this.#eventSteps.get(b.name));
  }

  /** Whether any rule reads raw events (then every event should be passed to `event`). */
  get readsEvents(): boolean {
    return this.#eventSteps.size > 0 || this.#eventUntils;
  }


  /**
   * An event's relations for the identity graph. Kubernetes audit and CloudTrail events say who
   * acts as whom (and are few); runtime events add theirs when they raise a signal.
   */
  observe(event: VigilEvent): void {
    if (event.source === 'k8saudit' || event.source === 'cloudtrail') this.#graph.add(event.entities, event.relations);
  }

  /** A signal, with the event it was raised on when there is one (for field attributes and the graph). */
  signal(signal: Signal, event?: VigilEvent): void {
    this.#advance(signal.timeMs);
    if (event !== undefined && event.source !== 'k8saudit' && event.source !== 'cloudtrail') this.#graph.add(event.entities, event.relations);
    const input: Input = {
      kind: 'signal',
      signal,
      ...(event === undefined ? {} : { event }),
      held: {
        id: signal.id,
        kind: 'signal',
        timeMs: signal.timeMs,
        time: signal.time,
        entities: signal.entities,
        signal: signal.id,
        event: signal.eventId,
        severity: PRIORITY_SEVERITY.get(signal.priority) ?? 1,
        label: signal.rule,
      },
    };
    const named = this.#byRuleName.get(signal.rule);
    if (named !== undefined) for (const x of named) if (this.#matches(x.step.matcher, input)) this.#take(x.rule, x.step, input);
    for (const x of this.#otherSignalSteps) {
      // A step with alternatives both by rule name and otherwise takes the input once.
      if (named?.some((y) => y.step === x.step) === true) continue;
      if (this.#matches(x.step.matcher, input)) this.#take(x.rule, x.step, input);
    }
    this.#until(input);
    this.#maybeSweep();
  }

  /** A raw event, for rules with event steps. */
  event(event: VigilEvent): void {
    if (this.#eventSteps.size === 0 && !this.#eventUntils) return;
    this.#advance(event.timeMs);
    let input: Input | undefined;
    for (let i = 0; i < this.#bindings.length; i++) {
      const steps = this.#eventStepsOf[i];
      if (steps === undefined || !(this.#bindings[i] as SourceBinding<VigilEvent>).accepts(event)) continue;
      for (const x of steps) {
        if (x.step.matcher.kind !== 'event' || !x.step.matcher.predicate(event)) continue;
        input ??= eventInput(event);
        this.#take(x.rule, x.step, input);
      }
    }
    if (this.#eventUntils) this.#until(input ?? eventInput(event));
    this.#maybeSweep();
  }

  /** The end of the input: the watermark moves past every window, so absences complete. */
  flush(): void {
    this.#fireAbsences(Number.POSITIVE_INFINITY);
  }

  get threats(): readonly Threat[] {
    return [...this.#threats.values()];
  }

  get attacks(): readonly Attack[] {
    return [...this.#attacks.values()];
  }

  get stats(): CorrelationStats {
    return { keys: this.#keyCount, held: this.#held, evicted: this.#evicted, expired: this.#expired, threats: this.#threats.size, attacks: this.#attacks.size, graph: this.#graph.size };
  }

  #matches(m: Matcher, input: Input): boolean {
    if (m.kind === 'signal') {
      const s = input.signal;
      return s !== undefined && m.alternatives.some((c) => criteriaHold(c, s));
    }
    if (m.kind === 'threat') {
      const t = input.threat;
      if (t === undefined) return false;
      if (m.names !== undefined && !m.names.has(t.name)) return false;
      if (m.techniques !== undefined && !techniqueCovers(m.techniques, t.techniques)) return false;
      if (m.tactics !== undefined && !t.tactics.some((x) => m.tactics?.has(x))) return false;
      if (m.minSeverity !== undefined && severityRank(t.severity) < m.minSeverity) return false;
      return true;
    }
    const e = input.event;
    return e !== undefined && input.kind === 'event' && this.#bindings.some((b) => b.name === m.source && b.accepts(e)) && m.predicate(e);
  }

  /** The values of an attribute on an input. */
  #values(a: Attribute, input: Input): string[] {
    if (a.kind === 'first') {
      for (const alt of a.alternatives) {
        const v = this.#values(alt, input);
        if (v.length > 0) return v;
      }
      return [];
    }
    if (a.kind === 'entity') {
      const out: string[] = [];
      for (const e of input.held.entities) if (e.type === a.type) out.push(a.part === 'id' ? e.id : e.name);
      return out;
    }
    if (a.kind === 'rule') return [input.held.label];
    if (a.kind === 'value') {
      const v = input.signal?.anomaly?.value ?? input.signal?.intel?.value;
      return v === undefined ? [] : [v];
    }
    const e = input.event;
    if (e === undefined || !this.#bindings.some((b) => b.name === a.source && b.accepts(e))) return [];
    const v = a.get(e);
    if (v === undefined || v === null) return [];
    return Array.isArray(v) ? v.map(String) : [String(v)];
  }

  #holdFor(rule: CorrelationRule, step: Step, input: Input): Held {
    const texts = new Map<string, Attribute>();
    if (step.distinct !== undefined) texts.set(step.distinct.of.text, step.distinct.of);
    for (const b of rule.where) {
      if (b.left.step === step.index) texts.set(b.left.attr.text, b.left.attr);
      if (b.right.step === step.index) texts.set(b.right.attr.text, b.right.attr);
    }
    let values: Map<string, readonly string[]> | undefined;
    for (const [text, a] of texts) (values ??= new Map()).set(text, this.#values(a, input));
    let amount = 0;
    if (step.sum !== undefined) for (const v of this.#values(step.sum.of, input)) amount += Number(v) || 0;
    // Spelled out, not spread: one shape for every held input, its fields in the object.
    const b = input.held;
    return { id: b.id, kind: b.kind, timeMs: b.timeMs, time: b.time, entities: b.entities, signal: b.signal, event: b.event, severity: b.severity, label: b.label, values, amount };
  }

  /**
   * The join keys of an input: its own entities of the key's type or, when it names none, the
   * nearest ones the identity graph links it to (a runtime input's node → its EC2 instance).
   */
  #keys(by: readonly Attribute[], input: Input): Set<string> {
    const keys = new Set<string>();
    for (const a of by) {
      const own = this.#values(a, input);
      // Through the graph: the attribute itself, or the first of its alternatives.
      const viaGraph = a.kind === 'entity' ? a : a.kind === 'first' ? a.alternatives[0] : undefined;
      if (own.length > 0 || viaGraph?.kind !== 'entity') {
        for (const v of own) keys.add(v);
        continue;
      }
      const start = input.held.entities.map((e) => `${e.type}:${e.id}`);
      for (const e of this.#graph.reach(start, viaGraph.type as EntityType)) keys.add(viaGraph.part === 'id' ? e.id : e.name);
    }
    return keys;
  }

  #take(rule: CorrelationRule, step: Step, input: Input): void {
    const keys = this.#keys(step.by ?? rule.by, input);
    if (keys.size === 0) return;
    const held = this.#holdFor(rule, step, input);
    for (const key of keys) {
      const state = this.#state(rule, key);
      this.#hold(state, step, held, input);
    }
  }

  #state(rule: CorrelationRule, key: string): KeyState {
    // One map per rule, keyed by the entity's own id string: no key string is built per input.
    let states = this.#states[rule.index];
    if (states === undefined) this.#states[rule.index] = states = new Map();
    let s = states.get(key);
    if (s !== undefined) {
      // Least recently touched first: a delete and set moves it to the end.
      states.delete(key);
      states.set(key, s);
      s.touched = ++this.#touches;
      return s;
    }
    s = { rule, key, buffers: new Array<Held[] | undefined>(rule.steps.length).fill(undefined), touched: ++this.#touches, lastMs: Number.NEGATIVE_INFINITY, open: undefined, absence: undefined };
    states.set(key, s);
    this.#keyCount++;
    while (this.#keyCount > this.#maxKeys) {
      this.#release(this.#leastRecent() as KeyState);
      this.#evicted++;
    }
    return s;
  }

  /** The least recently touched state of all rules (the fronts of their maps). */
  #leastRecent(): KeyState | undefined {
    let oldest: KeyState | undefined;
    for (const states of this.#states) {
      const front = states?.values().next().value;
      if (front !== undefined && (oldest === undefined || front.touched < oldest.touched)) oldest = front;
    }
    return oldest;
  }

  #hold(state: KeyState, step: Step, held: Held, input: Input): void {
    const rule = state.rule;
    // An output whose window has passed is closed: the next match starts a new one.
    if (state.open !== undefined && held.timeMs > state.open.lastMs + rule.withinMs) this.#close(state);
    if (step.absent) {
      const a = state.absence;
      if (state.open === undefined && a !== undefined && held.timeMs >= a.afterMs && held.timeMs <= a.deadlineMs && bound(rule.where, step.index, held, a.held)) {
        // What was to be absent came: this prefix does not complete the pattern.
        state.absence = undefined;
        this.#pendingAbsence.delete(state);
        this.#clear(state);
      }
      return;
    }
    let buffer = state.buffers[step.index];
    const before = buffer?.length ?? 0;
    // A literal of one: an empty array would reserve room for seventeen.
    if (buffer === undefined) state.buffers[step.index] = buffer = [held];
    else insertHeld(buffer, held);
    this.#held += buffer.length - before;
    // Registered before the cap may drop it again, which then forgets it.
    if (input.threat !== undefined) this.#consume(input.threat.id, state);
    // Over the cap, the middle goes: the earliest inputs say when the pattern was first
    // complete (late records land there), the latest are what later inputs will pair with.
    if (buffer.length > stepCap(step)) this.#drop(state, buffer.splice(buffer.length >> 1, 1)[0] as Held);
    state.lastMs = Math.max(state.lastMs, held.timeMs);
    this.#prune(state);
    const open = state.open;
    if (open !== undefined) {
      if (held.timeMs < open.firstMs - rule.withinMs) return;
      let changed = open.add(held, input.threat);
      // A late input can only make the pattern complete earlier than it was found to be.
      if (held.timeMs < open.detectedMs) changed = this.#recomplete(state, open) || changed;
      if (changed) this.#publish(open, 'updated');
      return;
    }
    if (state.absence !== undefined) return;
    const done = complete(rule, state.buffers);
    if (done === undefined) return;
    const absent = rule.steps.find((s) => s.absent);
    if (absent !== undefined) {
      state.absence = { afterMs: done.atMs, deadlineMs: done.atMs + (absent.withinMs as number), held: done.assignment };
      this.#pendingAbsence.add(state);
      return;
    }
    this.#open(state, done);
  }

  /** Whether the held inputs now complete the open output's pattern earlier (then it says so). */
  #recomplete(state: KeyState, open: OutputDraft): boolean {
    const done = complete(state.rule, state.buffers);
    if (done === undefined || done.atMs >= open.detectedMs) return false;
    open.detectedMs = done.atMs;
    open.detected = done.at;
    return true;
  }

  #open(state: KeyState, done: Completion): void {
    const rule = state.rule;
    // Numbered per (rule, key) for the life of the engine, not of the key's state: a key released
    // and seen again must not reuse an id. Only keys that produced an output are counted.
    const ordinalKey = `${rule.index}\u0000${state.key}`;
    const ordinal = this.#ordinals.get(ordinalKey) ?? 0;
    this.#ordinals.set(ordinalKey, ordinal + 1);
    const id = stableId(rule.kind === 'threat' ? 'thr-' : 'atk-', [rule.name, state.key, ordinal]);
    const draft = buildOutput(rule, id, state.key, done.assignment, done.atMs, done.at, (tid) => this.#threats.get(tid));
    // What else the key holds inside the window is evidence too (more of the same repeated step).
    for (const b of state.buffers) {
      for (const h of b ?? []) if (h.timeMs >= draft.firstMs - rule.withinMs && h.timeMs <= draft.lastMs + rule.withinMs) draft.add(h, h.kind === 'threat' ? this.#threats.get(h.id) : undefined);
    }
    state.open = draft;
    this.#publish(draft, 'new');
  }

  #consume(threatId: string, state: KeyState): void {
    const set = this.#consumers.get(threatId) ?? new Set<KeyState>();
    set.add(state);
    this.#consumers.set(threatId, set);
  }

  #publish(draft: OutputDraft, change: 'new' | 'updated'): void {
    if (change === 'updated') draft.updates++;
    const out = draft.snapshot();
    if (out.kind === 'threat') {
      this.#threats.set(out.id, out);
      this.#onOutput?.(out, change);
      if (change === 'new') this.#feedThreat(out);
      else this.#growConsumers(out);
    } else {
      this.#attacks.set(out.id, out);
      this.#onOutput?.(out, change);
    }
  }

  /** A new threat is an input to the rules that take threats. */
  #feedThreat(t: Threat): void {
    const input: Input = {
      kind: 'threat',
      threat: t,
      held: {
        id: t.id,
        kind: 'threat',
        // A threat takes its place in a sequence when it was recognised, as a signal does.
        timeMs: t.detectedMs,
        time: t.detectedAt,
        entities: t.entities,
        signal: undefined,
        event: undefined,
        severity: severityRank(t.severity),
        label: t.name,
      },
    };
    for (const x of this.#threatSteps) if (this.#matches(x.step.matcher, input)) this.#take(x.rule, x.step, input);
    this.#until(input);
  }

  /**
   * A threat grew: the states holding it see its new extent, the outputs built on it grow with
   * it, and when it turned out to be recognised earlier (late evidence), so may they.
   */
  #growConsumers(t: Threat): void {
    for (const state of this.#consumers.get(t.id) ?? []) {
      for (const b of state.buffers) {
        if (b === undefined) continue;
        const i = b.findIndex((h) => h.id === t.id);
        if (i < 0 || (b[i] as Held).timeMs === t.detectedMs) continue;
        const old = b[i] as Held;
        b.splice(i, 1);
        insertHeld(b, { ...old, timeMs: t.detectedMs, time: t.detectedAt });
      }
      const open = state.open;
      if (open === undefined) {
        // Recognised earlier than first thought: the key's pattern may be complete now.
        if (state.absence === undefined) {
          const done = complete(state.rule, state.buffers);
          if (done !== undefined && !state.rule.steps.some((x) => x.absent)) this.#open(state, done);
        }
        continue;
      }
      let changed = open.refreshThreat(t);
      if (t.detectedMs < open.detectedMs) changed = this.#recomplete(state, open) || changed;
      if (changed) this.#publish(open, 'updated');
    }
  }

  #until(input: Input): void {
    for (const u of this.#untils) {
      if (!this.#matches(u.matcher, input)) continue;
      for (const key of this.#keys(u.rule.by, input)) {
        const state = this.#states[u.rule.index]?.get(key);
        if (state !== undefined) this.#release(state);
      }
    }
  }

  /** Ends the key's open output: later inputs start a new one from scratch. */
  #close(state: KeyState): void {
    if (state.open === undefined) return;
    state.open = undefined;
    this.#clear(state);
  }

  #clear(state: KeyState): void {
    const buffers = state.buffers;
    for (let i = 0; i < buffers.length; i++) {
      const b = buffers[i];
      if (b === undefined) continue;
      for (const h of b) this.#forget(h, state);
      this.#held -= b.length;
      buffers[i] = undefined;
    }
  }

  /** A held input leaves the state (pruned, capped out). */
  #drop(state: KeyState, h: Held): void {
    this.#held--;
    this.#forget(h, state);
  }

  #forget(h: Held, state: KeyState): void {
    if (h.kind !== 'threat') return;
    // Another step of the state may hold the same threat.
    if (state.buffers.some((b) => b?.some((x) => x !== h && x.id === h.id) === true)) return;
    const set = this.#consumers.get(h.id);
    if (set === undefined) return;
    set.delete(state);
    if (set.size === 0) this.#consumers.delete(h.id);
  }

  #prune(state: KeyState): void {
    const cutoff = state.lastMs - state.rule.withinMs - state.rule.latenessMs;
    for (const b of state.buffers) {
      if (b === undefined) continue;
      let n = 0;
      while (n < b.length && (b[n] as Held).timeMs < cutoff) n++;
      if (n > 0) for (const h of b.splice(0, n)) this.#drop(state, h);
    }
  }

  #release(s: KeyState): void {
    this.#close(s);
    this.#clear(s);
    this.#pendingAbsence.delete(s);
    if (this.#states[s.rule.index]?.delete(s.key) === true) this.#keyCount--;
  }

  #advance(timeMs: number): void {
    if (timeMs <= this.#maxEventMs) return;
    this.#maxEventMs = timeMs;
    // An absence completes when the watermark passes its wait, not at the next sweep.
    if (this.#pendingAbsence.size > 0) this.#fireAbsences(timeMs - this.#maxLatenessMs);
  }

  #maybeSweep(): void {
    if (++this.#sinceSweep < SWEEP_EVERY) return;
    this.#sinceSweep = 0;
    const watermark = this.#maxEventMs - this.#maxLatenessMs;
    this.#fireAbsences(watermark);
    // Least recently touched first; a state touched by a late input may sit later in the order
    // and is released on a later sweep.
    for (const states of this.#states) {
      if (states === undefined) continue;
      for (const s of states.values()) {
        if (s.lastMs + s.rule.withinMs >= watermark || this.#pendingAbsence.has(s)) break;
        this.#release(s);
        this.#expired++;
      }
    }
  }

  #fireAbsences(watermark: number): void {
    for (const s of [...this.#pendingAbsence]) {
      const a = s.absence;
      if (a === undefined || a.deadlineMs > watermark) continue;
      this.#pendingAbsence.delete(s);
      s.absence = undefined;
      this.#open(s, { assignment: a.held, atMs: a.deadlineMs, at: new Date(a.deadlineMs).toISOString() });
    }
  }
}
