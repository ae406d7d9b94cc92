import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

describe('vigil bench (pipeline)', () => {
  it('prints the figures the issue tracker quotes, consistent with each other', async () => {
    const io = memoryIo();
    assert.equal(await main(['bench', '--json', '--records', '3000', '--rounds', '1'], io), 0, io.stderr());
    const r = JSON.parse(io.stdout()) as Record<string, number | string>;
    for (const k of ['ceiling_eps', 'decode_eps', 'signals_eps', 'pipeline_eps', 'ratio_to_parse_ceiling', 'p50_latency_us', 'p99_latency_us', 'peak_rss_mb', 'correlation_state_size', 'records', 'events']) {
      assert.equal(typeof r[k], 'number', k);
    }
    assert.ok((r['records'] as number) >= 3000);
    assert.equal(r['events'], r['records']);
    assert.ok((r['ceiling_eps'] as number) > 0 && (r['pipeline_eps'] as number) > 0);
    // Both figures are rounded in the output, so the ratio agrees to within rounding.
    assert.ok(Math.abs((r['ratio_to_parse_ceiling'] as number) - (r['pipeline_eps'] as number) / (r['ceiling_eps'] as number)) < 0.002);
    assert.ok((r['p50_latency_us'] as number) <= (r['p99_latency_us'] as number));
    // Each stage's share is against the parse times paired with its own chunks; the ceiling's
    // rate is over the parse times paired with the pipeline's (seconds over every round).
    for (const k of ['decode_ratio', 'signals_ratio']) assert.ok(typeof r[k] === 'number' && (r[k] as number) > 0, k);
    const seconds = r['seconds'] as unknown as { ceiling: number; pipeline: number };
    assert.ok(Math.abs((r['records'] as number) / seconds.ceiling - (r['ceiling_eps'] as number)) <= 1);
    assert.ok(Math.abs((r['records'] as number) / seconds.pipeline - (r['pipeline_eps'] as number)) <= 1);
    for (const k of ['threats', 'attacks', 'correlation_held_inputs', 'identity_graph_size']) assert.equal(typeof r[k], 'number', k);
    assert.equal(r['correlation'], undefined, 'correlation is part of the pipeline now');
  });

  it('refuses bad numbers and unreadable input', async () => {
    const io = memoryIo();
    assert.equal(await main(['bench', '--rounds', '0'], io), 2);
    assert.match(io.stderr(), /--records and --rounds must be positive integers/);
    const missing = memoryIo();
    assert.equal(await main(['bench', '--input', '/nonexistent/vigil-bench-input'], missing), 1);
    assert.match(missing.stderr(), /vigil bench: cannot read/);
  });
});

describe('vigil bench correlation', () => {
  it('reports the state of N active keys, and its release once event time passes their windows', async () => {
    const io = memoryIo();
    assert.equal(await main(['bench', 'correlation', '--json', '--records', '20000'], io), 0, io.stderr());
    const r = JSON.parse(io.stdout()) as { keys: number; stateKeys: number; heldInputs: number; heapMb: number; bytesPerKey: number; afterExpiry: { keys: number; expired: number } };
    assert.equal(r.keys, 20_000);
    assert.equal(r.stateKeys, 20_000, 'one partial match per container');
    assert.equal(r.heldInputs, 20_000);
    assert.ok(r.heapMb > 0 && r.bytesPerKey > 0);
    assert.ok(r.afterExpiry.expired >= 20_000, `${r.afterExpiry.expired} released`);
    assert.ok(r.afterExpiry.keys <= 10_000);
  });
});

describe('vigil bench rules', () => {
  it('reports each case evaluated chunk by chunk, in bulk and with replayed fields, alike in what fires', async () => {
    const io = memoryIo();
    assert.equal(await main(['bench', 'rules', '--json', '--records', '2000', '--rounds', '1'], io), 0, io.stderr());
    const r = JSON.parse(io.stdout()) as { cases: { name: string; events: number; errors: number; eventsPerSec: number; bulkEventsPerSec: number; engineOnlyEventsPerSec: number; matchedEvents: number; candidatesPerEvent: number }[] };
    assert.equal(r.cases.length, 3);
    assert.match(r.cases[0]?.name ?? '', /simulated node telemetry/);
    for (const c of r.cases) {
      assert.equal(c.errors, 0, c.name);
      // The simulated case takes the whole simulated window: about as many records as asked, plus the attacks' own.
      assert.ok(c.events >= 1500 && c.events <= 5000, `${c.name}: ${c.events} events`);
      for (const k of ['eventsPerSec', 'bulkEventsPerSec', 'engineOnlyEventsPerSec'] as const) assert.ok(c[k] > 0 && Number.isFinite(c[k]), `${c.name} ${k}`);
      // The bench throws when the three evaluations disagree; some rules must fire for that to mean anything.
      assert.ok(c.matchedEvents > 0, `${c.name}: nothing fired`);
      assert.ok(c.candidatesPerEvent > 0 && c.candidatesPerEvent < 40, `${c.name}: ${c.candidatesPerEvent} rules tested per event`);
    }
  });

  it('measures one case in its own process with --case, and names the cases it knows', async () => {
    const io = memoryIo();
    assert.equal(await main(['bench', 'rules', '--case', 'process-starts', '--json', '--records', '1000', '--rounds', '1'], io), 0, io.stderr());
    const r = JSON.parse(io.stdout()) as { cases: { name: string; events: number }[] };
    assert.deepEqual(r.cases.map((c) => [c.name, c.events]), [['syscall rules on the process-start-heavy Tetragon mix', 1000]]);
    const bad = memoryIo();
    assert.equal(await main(['bench', 'rules', '--case', 'nope'], bad), 2);
    assert.match(bad.stderr(), /unknown case "nope" \(known: simulated, process-starts, k8s\)/);
  });
});
