/**
 * Builds a threat or an attack from the inputs that completed a pattern, and grows it with the
 * inputs that arrive while its window is open. An attack's severity and score follow the kill
 * chain it covers and the strength of its threats; its explanation says which threats, on
 * which entities, from when to when.
 */
import { tactic, technique } from '../core/attack.js';
import { entityKey, type Entity } from '../core/entity.js';
import { SEVERITIES, severityRank, type Attack, type Severity, type Threat } from '../core/threat.js';
import type { CorrelationRule } from './model.js';
import type { Held } from './pattern.js';

/** Evidence ids kept per output; beyond them, outputs count what they did not keep. */
const MAX_IDS = 500;
const MAX_ENTITIES = 64;

export interface OutputDraft {
  /** When the pattern was complete, in event time (earlier when late inputs show it was). */
  detectedMs: number;
  detected: string;
  readonly firstMs: number;
  readonly lastMs: number;
  readonly threatIds: readonly string[];
  /** How often it was published again after it was first reported (the engine counts). */
  updates: number;
  /** Adds an input; whether the output changed. */
  add(held: Held, threat?: Threat): boolean;
  /** A threat it rests on grew; whether the output changed. */
  refreshThreat(t: Threat): boolean;
  snapshot(): Threat | Attack;
}

function byTactic(a: string, b: string): number {
  return (tactic(a)?.order ?? 99) - (tactic(b)?.order ?? 99);
}

/**
 * `{pod}` is the names of the output's pods; `{user|serviceaccount}` the first that has any; a
 * placeholder with nothing to say is left out (with the parentheses around it).
 */
function template(text: string, values: (name: string) => string | undefined): string {
  return text.replace(/\{([\w.|-]+)\}/g, (_whole, names: string) => {
    for (const n of names.split('|')) {
      const v = values(n);
      if (v !== undefined) return v;
    }
    return '';
  }).replace(/ \(\)/g, '');
}

class Draft implements OutputDraft {
  firstMs = Number.POSITIVE_INFINITY;
  lastMs = Number.NEGATIVE_INFINITY;
  first = '';
  last = '';
  readonly #signals = new Set<string>();
  readonly #events = new Set<string>();
  readonly #entities = new Map<string, Entity>();
  readonly #threats = new Map<string, Threat>();
  readonly #techniques = new Set<string>();
  readonly #held = new Set<string>();
  #maxInputSeverity = 0;
  updates = 0;

  constructor(
    readonly rule: CorrelationRule,
    readonly id: string,
    readonly key: string,
    public detectedMs: number,
    public detected: string,
  ) {
    for (const t of rule.techniques) this.#techniques.add(t);
  }

  get threatIds(): readonly string[] {
    return [...this.#threats.keys()];
  }

  add(h: Held, threat?: Threat): boolean {
    if (this.#held.has(h.id)) return false;
    this.#held.add(h.id);
    const firstMs = threat?.firstMs ?? h.timeMs;
    if (firstMs < this.firstMs) {
      this.firstMs = firstMs;
      this.first = threat?.firstSeen ?? h.time;
    }
    const lastMs = threat?.lastMs ?? h.timeMs;
    if (lastMs > this.lastMs) {
      this.lastMs = lastMs;
      this.last = threat?.lastSeen ?? h.time;
    }
    // A threat's evidence as it stands now, which may have grown since it was held.
    if (threat !== undefined) {
      for (const s of threat.signals) if (this.#signals.size < MAX_IDS) this.#signals.add(s);
      for (const e of threat.events) if (this.#events.size < MAX_IDS) this.#events.add(e);
    }
    if (h.signal !== undefined && this.#signals.size < MAX_IDS) this.#signals.add(h.signal);
    if (h.event !== undefined && this.#events.size < MAX_IDS) this.#events.add(h.event);
    for (const e of h.entities) {
      if (this.#entities.size >= MAX_ENTITIES) break;
      const k = entityKey(e);
      if (!this.#entities.has(k)) this.#entities.set(k, e);
    }
    if (threat !== undefined) {
      this.#threats.set(threat.id, threat);
      if (this.rule.kind === 'attack') for (const t of threat.techniques) this.#techniques.add(t);
    }
    this.#maxInputSeverity = Math.max(this.#maxInputSeverity, h.severity);
    return true;
  }

  refreshThreat(t: Threat): boolean {
    if (!this.#threats.has(t.id)) return false;
    this.#threats.set(t.id, t);
    let changed = false;
    for (const s of t.signals) {
      if (this.#signals.size >= MAX_IDS || this.#signals.has(s)) continue;
      this.#signals.add(s);
      changed = true;
    }
    for (const e of t.events) if (this.#events.size < MAX_IDS) this.#events.add(e);
    if (t.lastMs > this.lastMs) {
      this.lastMs = t.lastMs;
      this.last = t.lastSeen;
      changed = true;
    }
    return changed;
  }

  #tactics(): string[] {
    const all = new Set<string>(this.rule.tactics);
    if (this.rule.kind === 'attack') for (const t of this.#threats.values()) for (const x of t.tactics) all.add(x);
    return [...all].sort(byTactic);
  }

  #techniquesSorted(): string[] {
    // In kill-chain order of their first tactic, then by id.
    const first = (id: string): number => technique(id)?.tactics[0]?.order ?? 99;
    return [...this.#techniques].sort((a, b) => first(a) - first(b) || (a < b ? -1 : 1));
  }

  /** The key's entity first, then the rest in the order they came. */
  #entityList(): Entity[] {
    const list = [...this.#entities.values()];
    const keyed = list.filter((e) => e.id === this.key || e.name === this.key);
    return [...keyed, ...list.filter((e) => !keyed.includes(e))];
  }

  #names(type: string): string | undefined {
    const names = [...new Set([...this.#entities.values()].filter((e) => e.type === type).map((e) => e.name))];
    if (names.length === 0) return undefined;
    return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
  }

  #keyName(): string {
    const e = this.#entityList()[0];
    return e !== undefined && (e.id === this.key || e.name === this.key) ? `${e.type} ${e.name}` : this.key;
  }

  snapshot(): Threat | Attack {
    const rule = this.rule;
    const tactics = this.#tactics();
    const threats = [...this.#threats.values()].sort((a, b) => a.detectedMs - b.detectedMs || (a.id < b.id ? -1 : 1));
    const base = {
      id: this.id,
      rule: rule.name,
      techniques: this.#techniquesSorted(),
      tactics,
      firstSeen: this.first,
      lastSeen: this.last,
      firstMs: this.firstMs,
      lastMs: this.lastMs,
      detectedAt: this.detected,
      detectedMs: this.detectedMs,
      key: this.key,
      entities: this.#entityList(),
      signals: [...this.#signals],
      events: [...this.#events],
      updates: this.updates,
    };
    const values = (name: string): string | undefined => {
      if (name === 'key') return this.#keyName();
      if (name === 'threats') return threats.map((t) => t.name).join(' → ');
      if (name === 'first') return this.first;
      if (name === 'last') return this.last;
      if (name === 'count') return String(this.#held.size);
      return this.#names(name);
    };
    if (rule.kind === 'threat') {
      const summary = rule.summary === undefined ? `${rule.name} on ${this.#keyName()} (${this.#held.size} inputs from ${this.first} to ${this.last})` : template(rule.summary, values);
      return { kind: 'threat', ...base, name: rule.name, severity: rule.severity, threats: threats.map((t) => t.id), summary };
    }
    const maxThreat = threats.reduce((m, t) => Math.max(m, severityRank(t.severity)), this.#maxInputSeverity);
    const progress = Math.min(1, tactics.length / 5);
    const strength = Math.min(1, threats.length / 3);
    const score = Math.round((0.45 * progress + 0.3 * (maxThreat / 3) + 0.25 * strength) * 100) / 100;
    let rank = Math.max(severityRank(rule.severity), maxThreat);
    if (progress >= 0.6 && rank === 2) rank = 3;
    const severity: Severity = SEVERITIES[rank] as Severity;
    const explanation =
      rule.summary === undefined
        ? `${rule.name}: ${threats.map((t) => t.name).join(' → ')} on ${this.#keyName()}, from ${this.first} to ${this.last}.`
        : template(rule.summary, values);
    return { kind: 'attack', ...base, name: rule.name, intent: rule.intent ?? '', severity, score, threats: threats.map((t) => t.id), explanation };
  }
}

export function buildOutput(
  rule: CorrelationRule,
  id: string,
  key: string,
  assignment: readonly (readonly Held[])[],
  detectedMs: number,
  detected: string,
  threatById: (id: string) => Threat | undefined,
): OutputDraft {
  const d = new Draft(rule, id, key, detectedMs, detected);
  for (const step of assignment) {
    for (const h of step) {
      const t = h.kind === 'threat' ? threatById(h.id) : undefined;
      d.add(h, t);
    }
  }
  return d;
}
