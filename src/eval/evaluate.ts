/**
 * Compares what Vigil found in a simulation with its ground truth: per scenario, whether its
 * records raised signals and which techniques those name, how long after the first attack record
 * the first signal came (event time), whether an attack of the right intent was reported, and
 * whether a benign look-alike was (wrongly) reported as one; per intent, precision and recall
 * over attacks; overall, the noise funnel from events to attacks.
 *
 * Signals are matched to the truth by event id (the simulator records Vigil's id of every
 * scenario record). Attacks are matched by the signals they rest on, once the correlation stage
 * reports them; intents it does not detect yet are pending (pending.ts) and do not fail a run.
 */

import type { Signal } from '../core/signal.js';
import { INTENTS } from '../sim/scenario.js';
import type { Truth, TruthScenario } from '../sim/simulate.js';
import { PENDING_INTENTS } from './pending.js';

/** An attack as the correlation stage reports it (contracts.md `attacks[]`), reduced to what evaluation reads. */
export interface ReportedAttack {
  readonly id: string;
  readonly intent: string;
  /** Epoch ms of `detected_at`. */
  readonly detectedMs: number;
  /** Ids of the events its evidence rests on. */
  readonly eventIds: readonly string[];
}

export interface RunFindings {
  readonly events: number;
  readonly signals: readonly Signal[];
  readonly threats: number;
  readonly attacks: readonly ReportedAttack[];
}

export type Outcome = 'detected' | 'missed' | 'pending' | 'quiet' | 'false-attack';

export interface ScenarioResult {
  readonly label: string;
  readonly id: string;
  readonly kind: 'attack' | 'benign';
  readonly intent?: string;
  readonly outcome: Outcome;
  /** Whether the scenario met its expectation (pending counts as met). */
  readonly ok: boolean;
  readonly events: number;
  /** Scenario records on which some signal fired. */
  readonly signalledEvents: number;
  readonly signals: number;
  readonly rules: readonly string[];
  readonly techniques: { readonly expected: readonly string[]; readonly covered: readonly string[] };
  /** Event time from the scenario's first record to its first signal, seconds. */
  readonly firstSignalAfterS?: number;
  /** Event time from the first record to the attack's `detected_at`, seconds. */
  readonly detectedAfterS?: number;
  /** Event time from the completing (last) record to `detected_at`, seconds (negative: detected before the end). */
  readonly detectedAfterEndS?: number;
  readonly attackIds: readonly string[];
  readonly why: string;
}

export interface IntentResult {
  readonly intent: string;
  readonly scenarios: number;
  readonly detected: number;
  readonly reported: number;
  readonly truePositives: number;
  readonly precision?: number;
  readonly recall?: number;
  readonly pending: boolean;
}

export interface RunEvaluation {
  readonly scenarios: readonly ScenarioResult[];
  readonly intents: readonly IntentResult[];
  /** Attacks that match no attack scenario (on background or look-alikes). */
  readonly falseAttacks: number;
  readonly funnel: { readonly events: number; readonly signals: number; readonly threats: number; readonly attacks: number };
  /** Behavioural signals on background records (no scenario's): the false-positive rate of the baselines. */
  readonly backgroundAnomalies: { readonly count: number; readonly per10k: number; readonly limitPer10k?: number };
  readonly ok: boolean;
}

export interface EvaluationLimits {
  /** Most anomaly signals on background records per 10 000 events (a spec's `max_background_anomalies_per_10k`). */
  readonly maxBackgroundAnomaliesPer10k?: number;
}

/** Whether a signal's technique counts for an expected one: the same, its parent, or a sub-technique of it. */
function covers(found: string, expected: string): boolean {
  return found === expected || expected.startsWith(`${found}.`) || found.startsWith(`${expected}.`);
}

function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

function scenarioResult(s: TruthScenario, signals: readonly Signal[], attacks: readonly ReportedAttack[]): ScenarioResult {
  const ids = new Set(s.events.map((e) => e.id));
  const mine = signals.filter((x) => ids.has(x.eventId));
  const signalled = new Set(mine.map((x) => x.eventId));
  const found = [...new Set(mine.flatMap((x) => x.techniques))];
  const covered = s.techniques.filter((t) => found.some((f) => covers(f, t)));
  const firstMs = s.events.length === 0 ? Number.NaN : Date.parse(s.start);
  const lastMs = Date.parse(s.end);
  const firstSignal = mine.reduce((m, x) => Math.min(m, x.timeMs), Number.POSITIVE_INFINITY);
  const touching = attacks.filter((a) => a.eventIds.some((id) => ids.has(id)));
  const base = {
    label: s.label,
    id: s.id,
    kind: s.kind,
    ...(s.intent === undefined ? {} : { intent: s.intent }),
    events: s.events.length,
    signalledEvents: signalled.size,
    signals: mine.length,
    rules: [...new Set(mine.map((x) => x.rule))].sort(),
    techniques: { expected: s.techniques, covered },
    ...(Number.isFinite(firstSignal) ? { firstSignalAfterS: seconds(firstSignal - firstMs) } : {}),
    attackIds: touching.map((a) => a.id),
  };
  if (s.kind === 'benign') {
    return touching.length > 0
      ? { ...base, outcome: 'false-attack', ok: false, why: `reported as ${touching.map((a) => a.intent).join(', ')}` }
      : { ...base, outcome: 'quiet', ok: true, why: 'no attack reported' };
  }
  const right = touching.filter((a) => a.intent === s.intent);
  if (right.length > 0) {
    const detected = Math.min(...right.map((a) => a.detectedMs));
    return { ...base, outcome: 'detected', ok: true, detectedAfterS: seconds(detected - firstMs), detectedAfterEndS: seconds(detected - lastMs), why: 'attack of this intent reported' };
  }
  const pending = (PENDING_INTENTS as readonly string[]).includes(s.intent ?? '');
  if (mine.length === 0) {
    // Correlation needs signals to work with: an attack that raised none fails even while pending.
    return { ...base, outcome: 'missed', ok: false, why: 'no signal on any of its records' };
  }
  if (pending) return { ...base, outcome: 'pending', ok: true, why: `signals raised; attacks of intent ${s.intent ?? ''} are not detected yet (pending)` };
  return { ...base, outcome: 'missed', ok: false, why: touching.length > 0 ? `reported with another intent: ${touching.map((a) => a.intent).join(', ')}` : 'no attack reported' };
}

export function evaluateRun(truth: Truth, findings: RunFindings, limits: EvaluationLimits = {}): RunEvaluation {
  const scenarios = truth.scenarios.map((s) => scenarioResult(s, findings.signals, findings.attacks));
  const attackIds = new Set(truth.scenarios.filter((s) => s.kind === 'attack').flatMap((s) => s.events.map((e) => e.id)));
  const falseAttacks = findings.attacks.filter((a) => !a.eventIds.some((id) => attackIds.has(id))).length;
  const intents: IntentResult[] = INTENTS.map((intent) => {
    const mine = scenarios.filter((s) => s.kind === 'attack' && s.intent === intent);
    const reported = findings.attacks.filter((a) => a.intent === intent);
    const truePositives = reported.filter((a) => truth.scenarios.some((s) => s.kind === 'attack' && s.intent === intent && s.events.some((e) => a.eventIds.includes(e.id)))).length;
    const detected = mine.filter((s) => s.outcome === 'detected').length;
    return {
      intent,
      scenarios: mine.length,
      detected,
      reported: reported.length,
      truePositives,
      ...(reported.length === 0 ? {} : { precision: truePositives / reported.length }),
      ...(mine.length === 0 ? {} : { recall: detected / mine.length }),
      pending: (PENDING_INTENTS as readonly string[]).includes(intent),
    };
  });
  const scenarioEvents = new Set(truth.scenarios.flatMap((s) => s.events.map((e) => e.id)));
  const background = findings.signals.filter((x) => x.source === 'anomaly' && !scenarioEvents.has(x.eventId)).length;
  const per10k = findings.events === 0 ? 0 : (background / findings.events) * 10_000;
  const limit = limits.maxBackgroundAnomaliesPer10k;
  return {
    scenarios,
    intents,
    falseAttacks,
    funnel: { events: findings.events, signals: findings.signals.length, threats: findings.threats, attacks: findings.attacks.length },
    backgroundAnomalies: { count: background, per10k, ...(limit === undefined ? {} : { limitPer10k: limit }) },
    ok: scenarios.every((s) => s.ok) && falseAttacks === 0 && (limit === undefined || per10k <= limit),
  };
}
