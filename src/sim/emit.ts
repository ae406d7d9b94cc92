/**
 * What generators produce: records in a source's wire format, with their event time and the
 * stream (file) they belong to, and for attack and look-alike records the label of the
 * ground-truth entry they belong to.
 */

import type { SourceKind } from '../core/event.js';

export interface Emission {
  readonly source: SourceKind;
  readonly timeMs: number;
  /** Which file of the source: a node (Tetragon, Falco); one audit log; one CloudTrail trail. */
  readonly stream: string;
  readonly record: Record<string, unknown>;
  /** The ground-truth entry (attack or benign look-alike) this record belongs to. */
  readonly label?: string;
}

/** Something that adds records for the event-time window [fromMs, toMs). */
export interface Generator {
  readonly name: string;
  emit(fromMs: number, toMs: number, out: Emission[]): void;
}

/**
 * How busy a kind of actor is at an instant, 0–1: customer traffic follows the day (quiet at
 * night, busiest in the evening, lighter at weekends); people work office hours on weekdays;
 * machines run flat.
 */
export type Rhythm = 'traffic' | 'office' | 'flat';

export function activityAt(rhythm: Rhythm, ms: number, hours: readonly [number, number] = [8, 18], weekends = false): number {
  if (rhythm === 'flat') return 1;
  const d = new Date(ms);
  const hour = d.getUTCHours() + d.getUTCMinutes() / 60;
  const day = d.getUTCDay();
  const weekend = day === 0 || day === 6;
  if (rhythm === 'office') {
    if (weekend && !weekends) return 0.02;
    return hour >= hours[0] && hour < hours[1] ? 1 : 0.03;
  }
  // Traffic: a smooth day curve between 0.2 (04:00) and 1 (16:00), scaled down at weekends.
  const day01 = 0.6 - 0.4 * Math.cos(((hour - 4) / 24) * 2 * Math.PI);
  return (weekend ? 0.7 : 1) * day01;
}
