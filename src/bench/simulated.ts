/**
 * Simulated telemetry for the benchmarks: `vigil simulate`'s model of a cluster (the same
 * generator as the demo and the scenario library), with the attack scenarios that fit the window,
 * so the stages meet the mix of events a node really sends, attacks included.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Scenario } from '../sim/scenario.js';
import { SCENARIOS } from '../sim/scenarios/index.js';
import { simulate } from '../sim/simulate.js';
import { TELEMETRY_DIR } from '../sim/writer.js';

/** Background runtime events per second of the simulated workloads. */
export const SIMULATED_RATE = 200;

/** Where the simulated windows start (a fixed time: the same seed gives the same records). */
const START_MS = Date.UTC(2026, 10, 2, 8);

/**
 * Scenarios for a simulated window, spread over it as `simulate` places them (the i-th of n at
 * (i+1)/(n+1) of the window): in library order, each taken when all taken so far still fit, up
 * to one per quarter hour (at least two), so the correlation stage has attacks to find.
 */
export function fitting(startMs: number, durationMs: number, candidates: readonly Scenario[] = SCENARIOS): Scenario[] {
  const most = Math.max(2, Math.floor(durationMs / (15 * 60_000)));
  const fits = (list: readonly Scenario[]): boolean =>
    list.every((s, i) => {
      const proposed = startMs + Math.floor(((i + 1) / (list.length + 1)) * durationMs);
      const at = s.placeAt?.(proposed) ?? proposed;
      // With room on both sides: a scenario's records may spill a little past its nominal span.
      return at >= startMs + 60_000 && at + 1.5 * s.durationMs < startMs + durationMs;
    });
  const taken: Scenario[] = [];
  for (const s of candidates) if (taken.length < most && fits([...taken, s])) taken.push(s);
  return taken;
}

/** Simulates about `records` records into `dir` (seed 1, every scenario that fits); returns the telemetry folder. */
export async function simulateTelemetry(dir: string, records: number): Promise<string> {
  const durationMs = Math.max(60_000, Math.ceil((records / SIMULATED_RATE) * 1000));
  await simulate(dir, { seed: 1, startMs: START_MS, durationMs, rate: SIMULATED_RATE, scenarios: fitting(START_MS, durationMs) });
  return join(dir, TELEMETRY_DIR);
}

/** Attacks played out on the nodes themselves (their records are mostly Tetragon's). */
const RUNTIME_SCENARIOS: readonly string[] = ['cryptojacking-webapp-rce', 'ransomware-in-cluster-encryptor', 'container-escape-cgroup-release-agent', 'container-escape-privileged-nsenter'];

/** The window of `simulateRuntime`: long enough for two runtime attacks. */
const RUNTIME_WINDOW_MS = 30 * 60_000;

/**
 * Simulates half an hour of a cluster with two runtime attacks, at the background rate that
 * gives about `tetragonRecords` Tetragon records (a quieter cluster for fewer records: the mix
 * of event kinds stays the model's); returns the telemetry folder.
 */
export async function simulateRuntime(dir: string, tetragonRecords: number): Promise<string> {
  // Tetragon's share of the background at the model's proportions (measured: 0.8 records per
  // event of the rate, the rest API activity and quiet periods).
  const rate = Math.max(1, Math.ceil(tetragonRecords / (0.8 * (RUNTIME_WINDOW_MS / 1000))));
  const candidates = SCENARIOS.filter((s) => RUNTIME_SCENARIOS.includes(s.id));
  await simulate(dir, { seed: 1, startMs: START_MS, durationMs: RUNTIME_WINDOW_MS, rate, scenarios: fitting(START_MS, RUNTIME_WINDOW_MS, candidates) });
  return join(dir, TELEMETRY_DIR);
}

/**
 * The first `count` Tetragon records (all of them for Infinity) of a simulated telemetry folder,
 * the nodes' files taken in turn line by line (each file is in event time, and the nodes send at
 * the same pace).
 */
export async function simulatedTetragonLines(telemetry: string, count: number): Promise<string[]> {
  const folder = join(telemetry, 'tetragon');
  const names = (await readdir(folder)).filter((n) => n.endsWith('.jsonl')).sort();
  const files = await Promise.all(names.map(async (n) => (await readFile(join(folder, n), 'utf8')).split('\n').filter((l) => l !== '')));
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    let any = false;
    for (const f of files) {
      const line = f[i];
      if (line === undefined) continue;
      any = true;
      if (out.length < count) out.push(line);
    }
    if (!any) break;
  }
  return out;
}
