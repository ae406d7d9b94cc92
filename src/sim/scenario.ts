/**
 * Scenarios: scripted attacks and benign look-alikes injected into the simulated background.
 * Each one writes its records at absolute event times from its start, labelled so the ground
 * truth can list them; attacks name their intent and ATT&CK techniques, look-alikes say what
 * they resemble and that no attack may come of them.
 */

import type { Random } from '../core/random.js';
import type { PidAllocator } from './benign/runtime.js';
import type { Emission } from './emit.js';
import type { Environment } from './model.js';

export const INTENTS = ['cryptojacking', 'data-exfiltration', 'data-destruction', 'ransomware', 'container-escape'] as const;
export type Intent = (typeof INTENTS)[number];

export interface ScenarioContext {
  readonly env: Environment;
  /** The scenario's own stream of draws. */
  readonly random: Random;
  readonly pids: PidAllocator;
  /** Event time of the scenario's first step. */
  readonly startMs: number;
}

/** A step's records, to be labelled and merged into the output. */
export type ScenarioEmission = Omit<Emission, 'label'>;

export interface ScenarioBase {
  /** Stable id: `<intent or benign>-<variant>`. */
  readonly id: string;
  readonly title: string;
  /** What happens, for people reading the truth file. */
  readonly description: string;
  /** ATT&CK technique ids the scenario exercises (attacks), or that it may look like (benign). */
  readonly techniques: readonly string[];
  /** How long it runs, from its first record to its last (event time). */
  readonly durationMs: number;
  /**
   * Moves a proposed start to one the story needs (an admin works office hours); default: as
   * proposed.
   */
  readonly placeAt?: (proposedMs: number) => number;
  readonly build: (ctx: ScenarioContext) => ScenarioEmission[];
}

export interface AttackScenario extends ScenarioBase {
  readonly kind: 'attack';
  readonly intent: Intent;
}

export interface BenignScenario extends ScenarioBase {
  readonly kind: 'benign';
  /** The attack it could be mistaken for. */
  readonly resembles: Intent | 'intrusion';
}

export type Scenario = AttackScenario | BenignScenario;

/** `ms` itself when it falls in office hours (09–17 UTC on a weekday), else the next weekday at 10:00. */
export function officeTime(ms: number): number {
  const d = new Date(ms);
  const weekday = d.getUTCDay() !== 0 && d.getUTCDay() !== 6;
  if (weekday && d.getUTCHours() >= 9 && d.getUTCHours() < 17) return ms;
  let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 10);
  if (t < ms) t += 86_400_000;
  while ([0, 6].includes(new Date(t).getUTCDay())) t += 86_400_000;
  return t;
}
