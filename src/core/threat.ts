/**
 * What correlation produces (contracts.md `threats[]` and `attacks[]`): a threat is an ATT&CK
 * technique recognised from several signals (or events) on shared entities; an attack is threats
 * joined in time along the kill chain into a breach with an intent. Both keep their evidence.
 */
import type { Entity } from './entity.js';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}

/** 0 (low) to 3 (critical), for comparisons. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** The attack intents Vigil names (contracts.md); correlation files may name more. */
export const ATTACK_INTENTS = ['cryptojacking', 'data-exfiltration', 'data-destruction', 'ransomware', 'container-escape'] as const;

/** What every correlation output shares: which rule, on which key, when, and what it rests on. */
export interface Finding {
  readonly id: string;
  /** The correlation rule that produced it. */
  readonly rule: string;
  readonly severity: Severity;
  readonly techniques: readonly string[];
  /** Tactic shortnames (`initial-access`), in kill-chain order. */
  readonly tactics: readonly string[];
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly firstMs: number;
  readonly lastMs: number;
  /** Event time of the input whose processing completed the pattern. */
  readonly detectedAt: string;
  readonly detectedMs: number;
  /** The join key the pattern matched on (`container:3f2a…`). */
  readonly key: string;
  readonly entities: readonly Entity[];
  /** Ids of the signals it rests on, directly or through its threats. */
  readonly signals: readonly string[];
  /** Ids of the normalized events it rests on (the signals' events and raw-event steps). */
  readonly events: readonly string[];
  /** How often it grew after it was first reported. */
  readonly updates: number;
}

export interface Threat extends Finding {
  readonly kind: 'threat';
  readonly name: string;
  /** Threats it was built on (rule-on-rule chaining). */
  readonly threats: readonly string[];
  readonly summary: string;
}

export interface Attack extends Finding {
  readonly kind: 'attack';
  readonly name: string;
  readonly intent: string;
  /** 0–1: kill-chain progress and strength of the evidence. */
  readonly score: number;
  readonly threats: readonly string[];
  readonly explanation: string;
}
