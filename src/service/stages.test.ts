/**
 * The stages over a batch give exactly what they give one event at a time, however far decoding
 * runs ahead of them (the process tree learns while decoding, the rules read it): the same
 * signals in the same order, the same threats and attacks, the same evidence callbacks. Real stages (Vigil's rules and
 * Falco's official ones when beside the repository, intel, baselines, the correlation library)
 * over simulated telemetry with two runtime attacks.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simulateRuntime } from '../bench/simulated.js';
import { pipelineStages } from '../cli/commands/bench-pipeline.js';
import type { VigilEvent } from '../core/event.js';
import type { Signal } from '../core/signal.js';
import { systemClock } from '../core/time.js';
import { decodeInputs } from '../pipeline/decode-files.js';
import { tetragonDecoder } from '../sources/tetragon/index.js';
import { Stages } from './stages.js';

interface Outcome {
  readonly signals: string[];
  readonly evidence: string[];
  readonly threats: string[];
  readonly attacks: string[];
}

/** Decodes the telemetry with fresh stages and runs it through them, `batch` events at a time. */
async function run(telemetry: string, batch: number): Promise<Outcome> {
  const { makeDetector } = await pipelineStages();
  const made = makeDetector();
  const stages = new Stages({ detector: made.parts.detector, also: made.parts.also, correlation: made.parts.correlation });
  const signals: Signal[] = [];
  const evidence: string[] = [];
  let pending: VigilEvent[] = [];
  const flush = (): void => {
    stages.processBatch(pending, signals, (event, from, to) => {
      if (to > from) evidence.push(`${event.id} ${from}-${to}`);
    });
    pending = [];
  };
  for await (const decoded of decodeInputs([telemetry], { order: 'time', clock: systemClock, states: new Map([[tetragonDecoder, made.tree]]) })) {
    for (const d of decoded) {
      if (d.type !== 'event') continue;
      pending.push(d.event);
      if (pending.length >= batch) flush();
    }
  }
  if (pending.length > 0) flush();
  const correlation = made.parts.correlation;
  correlation.flush();
  return {
    signals: signals.map((s) => s.id),
    evidence,
    threats: [...correlation.threats].map((t) => `${t.id} ${t.detectedMs}`).sort(),
    attacks: [...correlation.attacks].map((a) => `${a.id} ${a.detectedMs} ${a.severity}`).sort(),
  };
}

describe('stages over a batch', () => {
  let dir = '';
  let telemetry = '';
  let single: Outcome;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-stages-test-'));
    telemetry = await simulateRuntime(dir, 4_000);
    single = await run(telemetry, 1);
  });

  after(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('finds signals, threats and attacks one event at a time (the reference)', () => {
    assert.ok(single.signals.length > 0, 'signals');
    assert.ok(single.threats.length > 0, 'threats');
    assert.ok(single.attacks.length > 0, 'attacks');
  });

  it('has every detector see the events in their order, and appends each event\'s signals in stage order', async () => {
    // Detectors that record what they see and name it in their signals: whatever order the
    // stages run in, each must see the events in order (baselines learn from that order), and
    // each event's signals must come out together, the rules' first. (Falco alerts skip the
    // rules; they are left out here.)
    const events: VigilEvent[] = [];
    for await (const decoded of decodeInputs([telemetry], { order: 'time', clock: systemClock })) {
      for (const d of decoded) if (d.type === 'event' && d.event.source !== 'falco' && events.length < 500) events.push(d.event);
    }
    const seen: Record<string, string[]> = { rules: [], second: [], third: [] };
    const recording = (name: string) => ({
      detect(e: VigilEvent): Signal[] {
        (seen[name] as string[]).push(e.id);
        return [{ id: `${name} ${e.id}` } as Signal];
      },
    });
    const stages = new Stages({ detector: recording('rules'), also: [recording('second'), recording('third')] });
    const out: Signal[] = [];
    const spans: string[] = [];
    stages.processBatch(events, out, (e, from, to) => spans.push(`${e.id} ${from}-${to}`));
    assert.equal(events.length, 500);
    assert.deepEqual(seen['rules'], events.map((e) => e.id));
    assert.deepEqual(seen['second'], events.map((e) => e.id));
    assert.deepEqual(seen['third'], events.map((e) => e.id));
    const expected: string[] = [];
    const expectedSpans: string[] = [];
    for (const e of events) {
      const from = expected.length;
      expected.push(`rules ${e.id}`, `second ${e.id}`, `third ${e.id}`);
      expectedSpans.push(`${e.id} ${from}-${expected.length}`);
    }
    assert.deepEqual(out.map((s) => s.id), expected);
    assert.deepEqual(spans, expectedSpans);
  });

  for (const size of [7, 4096]) {
    it(`gives the same signals, evidence, threats and attacks in batches of ${size}`, async () => {
      const batched = await run(telemetry, size);
      assert.deepEqual(batched.signals, single.signals);
      assert.deepEqual(batched.evidence, single.evidence);
      assert.deepEqual(batched.threats, single.threats);
      assert.deepEqual(batched.attacks, single.attacks);
    });
  }
});
