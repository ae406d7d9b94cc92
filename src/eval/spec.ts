/**
 * Scenario library files (`scenarios/*.yaml`): a simulation to run and evaluate, named and
 * versioned in the repository so CI evaluates the same telemetry every time.
 *
 *   name: cryptojacking
 *   description: the three cryptojacking variants over a working day
 *   seed: 11
 *   start: 2026-11-02T08:00:00Z
 *   duration: 10h
 *   rate: 5                 # background events per second (optional)
 *   scenarios: [cryptojacking, benign-admin-kubectl-exec]
 *   max_background_anomalies_per_10k: 1   # optional: fail when the baselines are noisier
 */

import { parse } from 'yaml';
import { parseDuration, parseTime } from '../core/time.js';
import { isObject } from '../core/json.js';

export interface ScenarioSpec {
  readonly file: string;
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly startMs: number;
  readonly duration: string;
  readonly rate?: number;
  readonly scenarios: readonly string[];
  /** Fails the run when background anomalies exceed this many per 10 000 events. */
  readonly maxBackgroundAnomaliesPer10k?: number;
}

export class SpecError extends Error {
  readonly code = 'SCENARIO_SPEC_INVALID';
  constructor(readonly file: string, readonly field: string, message: string) {
    super(`${file}: ${field}: ${message}`);
  }
}

const KNOWN = new Set(['name', 'description', 'seed', 'start', 'duration', 'rate', 'scenarios', 'max_background_anomalies_per_10k']);

export function parseSpec(file: string, text: string): ScenarioSpec {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new SpecError(file, '(document)', `not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObject(doc)) throw new SpecError(file, '(document)', 'must be a mapping with name, seed, start, duration and scenarios');
  for (const k of Object.keys(doc)) if (!KNOWN.has(k)) throw new SpecError(file, k, `unknown field (known: ${[...KNOWN].join(', ')})`);
  const name = doc['name'];
  if (typeof name !== 'string' || name === '') throw new SpecError(file, 'name', 'must be a non-empty string');
  const seed = doc['seed'];
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0) throw new SpecError(file, 'seed', 'must be an integer ≥ 0');
  const startText = doc['start'] instanceof Date ? doc['start'].toISOString() : doc['start'];
  const start = typeof startText === 'string' ? parseTime(startText) : undefined;
  if (start === undefined) throw new SpecError(file, 'start', 'must be an RFC 3339 time such as 2026-11-02T08:00:00Z');
  const duration = doc['duration'];
  if (typeof duration !== 'string' || parseDuration(duration) === undefined) throw new SpecError(file, 'duration', 'must be a duration such as 90m, 10h or 2d');
  const rate = doc['rate'];
  if (rate !== undefined && (typeof rate !== 'number' || !(rate >= 0))) throw new SpecError(file, 'rate', 'must be a number of events per second ≥ 0');
  const scenarios = doc['scenarios'];
  if (!Array.isArray(scenarios) || scenarios.length === 0 || !scenarios.every((s) => typeof s === 'string')) {
    throw new SpecError(file, 'scenarios', 'must be a non-empty list of scenario ids, intents, attacks, benign or all');
  }
  const limit = doc['max_background_anomalies_per_10k'];
  if (limit !== undefined && (typeof limit !== 'number' || !(limit >= 0))) throw new SpecError(file, 'max_background_anomalies_per_10k', 'must be a number ≥ 0');
  const description = doc['description'];
  return {
    file,
    name,
    description: typeof description === 'string' ? description : '',
    seed,
    startMs: start.ms,
    duration,
    ...(rate === undefined ? {} : { rate }),
    scenarios: scenarios as string[],
    ...(limit === undefined ? {} : { maxBackgroundAnomaliesPer10k: limit }),
  };
}
