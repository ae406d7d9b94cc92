/**
 * `vigil simulate` writes the four telemetry formats as the real agents and AWS do: every record
 * decodes with Vigil's own decoders as the source its folder names, and its shape matches the
 * real samples in ../shared/corpus: the same field paths per kind of object, the same value
 * types, the same timestamp precisions and the same identifier encodings. CloudTrail arrives in
 * gzip files named and delayed as S3 delivery does, records not in time order; and a seed gives
 * the same bytes every time.
 *
 * Runs: a 40-minute background at 30 events/s (the busy shape run), plus every scenario of the
 * library over a longer, quieter window (Monday 00:00 to Tuesday 18:00, so office-hour placements
 * land inside); a scenario that still does not fit there runs alone in a window of its own.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { messageOf } from '../../src/core/errors.js';
import type { SourceKind } from '../../src/core/event.js';
import { decodeFiles } from '../../src/pipeline/decode-files.js';
import { SCENARIOS } from '../../src/sim/scenarios/index.js';
import type { Scenario } from '../../src/sim/scenario.js';
import { simulate, TRUTH_FILE, type SimulateOptions, type Truth } from '../../src/sim/simulate.js';
import { corpusPath, requireCorpus } from '../support/corpus.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const HOUR = 3_600_000;
/** The busy run: background only, 30 events/s for 40 minutes on a Monday morning. */
const BACKGROUND: SimulateOptions = { seed: 7, startMs: Date.UTC(2026, 10, 2, 8), durationMs: 40 * 60_000, rate: 30, scenarios: [] };
/** The scenario run: Monday 2026-11-02 00:00 UTC to Tuesday 18:00, quiet background. */
const SCENARIO_WINDOW = { seed: 7, startMs: Date.UTC(2026, 10, 2, 0), durationMs: 42 * HOUR, rate: 0.05 } as const;

// ---------------------------------------------------------------------------------------------
// Reading records

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Records of a JSON file (one value, an array, or `{"Records": [...]}`) or of JSON lines. */
function recordsOfText(text: string): Obj[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  let values: unknown[];
  try {
    const v = JSON.parse(trimmed) as unknown;
    values = Array.isArray(v) ? v : isObj(v) && Array.isArray(v['Records']) ? (v['Records'] as unknown[]) : [v];
  } catch {
    values = trimmed.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  }
  return values.filter(isObj);
}

function readCorpus(rel: string, accept: (file: string) => boolean = () => true): Obj[] {
  const p = corpusPath(rel);
  const files = statSync(p).isDirectory() ? filesUnder(p).filter(accept) : [p];
  return files.flatMap((f) => recordsOfText(readFileSync(f, 'utf8')));
}

// ---------------------------------------------------------------------------------------------
// Field paths and value encodings

/**
 * Per kind of object: each field path (keys joined with `.`, array elements as `[]`, the keys of
 * free-form maps as `{}`) with the encodings its values take: the JSON type, and for RFC 3339
 * strings `time/N` with N the digits of the second's fraction.
 */
type Shapes = Map<string, Map<string, Set<string>>>;

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(\d+))?(?:Z|[+-]\d\d:\d\d)$/;

function encodingOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') {
    const m = RFC3339.exec(v);
    return m === null ? 'string' : `time/${m[1]?.length ?? 0}`;
  }
  return typeof v;
}

interface Walk {
  /** Where a subtree starts a kind of its own (a Process, an API call's parameters): that kind, else undefined. */
  readonly rekind?: (path: string, value: Json, kind: string) => string | undefined;
  /** Paths whose object keys are data (labels, annotations), collapsed to `{}`. */
  readonly isMap?: (path: string) => boolean;
  /** The kind a path's own value counts for, when not the kind being walked (an envelope's fields). */
  readonly place?: (path: string, kind: string) => string | undefined;
}

function addShape(shapes: Shapes, kind: string, path: string, v: Json): void {
  let m = shapes.get(kind);
  if (m === undefined) shapes.set(kind, (m = new Map()));
  let s = m.get(path);
  if (s === undefined) m.set(path, (s = new Set()));
  s.add(encodingOf(v));
}

function collect(shapes: Shapes, kind: string, value: Json, w: Walk, prefix = ''): void {
  if (Array.isArray(value)) {
    for (const x of value) visit(shapes, kind, `${prefix}[]`, x, w);
    return;
  }
  if (!isObj(value)) return;
  const map = prefix !== '' && w.isMap?.(prefix) === true;
  for (const [k, x] of Object.entries(value)) visit(shapes, kind, map ? `${prefix}.{}` : prefix === '' ? k : `${prefix}.${k}`, x, w);
}

function visit(shapes: Shapes, kind: string, path: string, x: Json, w: Walk): void {
  const sub = w.rekind?.(path, x, kind);
  addShape(shapes, w.place?.(path, kind) ?? kind, path, x);
  if (sub !== undefined) collect(shapes, sub, x, w);
  else collect(shapes, kind, x, w, path);
}

function shapesOf(records: readonly Obj[], kindOf: (r: Obj) => string, w: Walk): Shapes {
  const shapes: Shapes = new Map();
  for (const r of records) collect(shapes, kindOf(r), r, w);
  return shapes;
}

/** A simulated path the real samples lack, allowed with the reason (and, where it can, evidence checked). */
interface Exception {
  readonly kind: RegExp;
  /** The path, or a prefix of paths (`a.b` covers `a.b.c`). */
  readonly path: string;
  readonly reason: string;
}

function excepted(exceptions: readonly Exception[], kind: string, path: string): Exception | undefined {
  return exceptions.find((e) => e.kind.test(kind) && (path === e.path || path.startsWith(`${e.path}.`) || path.startsWith(`${e.path}[]`)));
}

interface ShapeReport {
  /** `kind path` the real samples of that kind lack. */
  readonly unknownPaths: string[];
  /**
   * The same for API payloads (CloudTrail requestParameters and such, Kubernetes objects): the
   * samples hold a few calls of each API, not its schema, so these are reported, not failed.
   */
  readonly payloadPaths: string[];
  /** `kind path: simulated {..} real {..}` where an encoding of the simulation is not among the real ones. */
  readonly encodings: string[];
  /** Kinds the real samples have no example of (sub-kinds only: reported, not failed). */
  readonly uncovered: string[];
  readonly exceptionsUsed: Set<Exception>;
}

/**
 * `optionalKind`: kinds the samples need not cover (an identity type, an API, a resource); `payload`:
 * kinds that are API payloads (see ShapeReport.payloadPaths).
 */
function compareShapes(sim: Shapes, real: Shapes, exceptions: readonly Exception[], optionalKind: (kind: string) => boolean, payload: (kind: string) => boolean = () => false): ShapeReport {
  const report: ShapeReport = { unknownPaths: [], payloadPaths: [], encodings: [], uncovered: [], exceptionsUsed: new Set() };
  for (const [kind, paths] of [...sim].sort((a, b) => a[0].localeCompare(b[0]))) {
    const r = real.get(kind);
    if (r === undefined) {
      if (optionalKind(kind)) report.uncovered.push(kind);
      else report.unknownPaths.push(`${kind} (no real sample of this kind at all)`);
      continue;
    }
    for (const [path, encs] of [...paths].sort((a, b) => a[0].localeCompare(b[0]))) {
      const real = r.get(path);
      if (real === undefined) {
        const e = excepted(exceptions, kind, path);
        if (e !== undefined) report.exceptionsUsed.add(e);
        else if (payload(kind)) report.payloadPaths.push(`${kind}: ${path}`);
        else report.unknownPaths.push(`${kind}: ${path}`);
        continue;
      }
      const extra = [...encs].filter((x) => !real.has(x));
      if (extra.length > 0) report.encodings.push(`${kind}: ${path}: simulated ${[...encs].sort().join('|')}, real ${[...real].sort().join('|')}`);
    }
  }
  return report;
}

/** The report's failures, as messages (its notes go to the test's diagnostics). */
function shapeProblems(t: TestContext, what: string, report: ShapeReport): string[] {
  if (report.uncovered.length > 0) t.diagnostic(`${what}: no real sample to compare for ${report.uncovered.join('; ')}`);
  if (report.payloadPaths.length > 0) t.diagnostic(`${what}: API payload fields the samples of that API lack (not failed): ${report.payloadPaths.join('; ')}`);
  for (const e of report.exceptionsUsed) t.diagnostic(`${what}: allowed ${e.path} (${e.reason})`);
  return [
    ...report.unknownPaths.map((p) => `field path the real samples of that kind lack: ${p}`),
    ...report.encodings.map((e) => `value encoding unlike the real ones: ${e}`),
  ];
}

/** Every value at `path` (as collected, `[]` for array elements) of one record. */
function valuesAt(v: Json, path: string): Json[] {
  let cur: Json[] = [v];
  for (const seg of path.split('.')) {
    const arr = seg.endsWith('[]');
    const key = arr ? seg.slice(0, -2) : seg;
    const next: Json[] = [];
    for (const c of cur) {
      if (!isObj(c)) continue;
      const x = c[key];
      if (x === undefined) continue;
      if (arr) {
        if (Array.isArray(x)) next.push(...x);
      } else next.push(x);
    }
    cur = next;
  }
  return cur;
}

/**
 * An encoding rule: every simulated value at the path matches, and the real samples hold values
 * that match too (so the pattern is the real one, not an invention of the test).
 */
function checkPattern(what: string, simValues: readonly Json[], realValues: readonly Json[], test: (v: Json) => boolean, bad: string[]): void {
  assert.ok(realValues.some(test), `${what}: no real sample value matches the pattern the test expects`);
  assert.ok(simValues.length > 0, `${what}: the simulation wrote no such value`);
  const wrong = simValues.filter((v) => !test(v));
  if (wrong.length > 0) bad.push(`${what}: ${wrong.length} of ${simValues.length} simulated values, e.g. ${JSON.stringify(wrong.slice(0, 3))}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const str = (re: RegExp) => (v: Json) => typeof v === 'string' && re.test(v);

// ---------------------------------------------------------------------------------------------
// The simulation runs

interface SimFile {
  /** Relative to the run's directory, with `/`. */
  readonly rel: string;
  readonly abs: string;
  readonly source: SourceKind;
  readonly bytes: Buffer;
  readonly records: Obj[];
}

interface Run {
  readonly name: string;
  readonly dir: string;
  readonly options: SimulateOptions;
  readonly truth: Truth;
  readonly files: SimFile[];
}

const SOURCE_DIRS: Readonly<Record<string, SourceKind>> = { tetragon: 'tetragon', falco: 'falco', 'k8s-audit': 'k8saudit', cloudtrail: 'cloudtrail' };

function readRun(name: string, dir: string, options: SimulateOptions, truth: Truth): Run {
  const files: SimFile[] = [];
  for (const abs of filesUnder(join(dir, 'telemetry'))) {
    const rel = relative(dir, abs).split(sep).join('/');
    const source = SOURCE_DIRS[rel.split('/')[1] ?? ''];
    assert.ok(source !== undefined, `${name}: unexpected file ${rel}`);
    const bytes = readFileSync(abs);
    let records: Obj[];
    if (source === 'cloudtrail') {
      const doc = JSON.parse(gunzipSync(bytes).toString('utf8')) as unknown;
      assert.ok(isObj(doc) && Array.isArray(doc['Records']) && Object.keys(doc).length === 1, `${rel}: not {"Records": [...]}`);
      records = (doc['Records'] as Json[]).filter(isObj);
    } else {
      const text = bytes.toString('utf8');
      assert.ok(text.endsWith('\n') && !text.includes('\n\n'), `${rel}: JSON lines end with a newline and have no blank lines`);
      records = text.slice(0, -1).split('\n').map((l) => JSON.parse(l) as Obj);
    }
    files.push({ rel, abs, source, bytes, records });
  }
  return { name, dir, options, truth, files };
}

const scratch: string[] = [];

async function freshDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'vigil-sim-shapes-'));
  scratch.push(d);
  return d;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Simulates with as many of `wanted` as fit the window: when the simulator refuses scenarios
 * that fall outside it, those are left out (and returned) and the rest run.
 */
async function simulateFitting(base: Omit<SimulateOptions, 'scenarios'>, wanted: readonly Scenario[]): Promise<{ dir: string; options: SimulateOptions; truth: Truth; dropped: Scenario[] }> {
  let list = [...wanted];
  const dropped: Scenario[] = [];
  for (;;) {
    const dir = await freshDir();
    const options: SimulateOptions = { ...base, scenarios: list };
    try {
      return { dir, options, truth: await simulate(dir, options), dropped };
    } catch (err) {
      const msg = messageOf(err);
      const named = list.filter((s) => new RegExp(`(^|[\\s,])${escapeRe(s.id)}([\\s,:]|$)`).test(msg));
      if (named.length === 0 || !/fit|outside/i.test(msg)) throw err;
      dropped.push(...named);
      list = list.filter((s) => !named.includes(s));
    }
  }
}

interface Runs {
  readonly background: Run;
  readonly scenarios: Run;
  readonly solo: Run[];
  readonly all: Run[];
  readonly notes: string[];
}

let runsPromise: Promise<Runs> | undefined;

function runs(): Promise<Runs> {
  runsPromise ??= (async () => {
    const notes: string[] = [];
    const bgDir = await freshDir();
    const background = readRun('background', bgDir, BACKGROUND, await simulate(bgDir, BACKGROUND));
    const fit = await simulateFitting(SCENARIO_WINDOW, SCENARIOS);
    const scenarios = readRun('scenarios', fit.dir, fit.options, fit.truth);
    const solo: Run[] = [];
    for (const s of fit.dropped) {
      // Alone, in a window wide enough for any placement (a weekday start moved to the next
      // working day, a night): Monday 00:00 for four days plus twice the scenario's length.
      const options: SimulateOptions = { seed: 7, startMs: SCENARIO_WINDOW.startMs, durationMs: 4 * 24 * HOUR + 2 * s.durationMs, rate: 0.02, scenarios: [s] };
      const dir = await freshDir();
      solo.push(readRun(`solo ${s.id}`, dir, options, await simulate(dir, options)));
      notes.push(`scenario ${s.id} did not fit the shared window and ran alone`);
    }
    return { background, scenarios, solo, all: [background, scenarios, ...solo], notes };
  })();
  return runsPromise;
}

function simRecords(all: readonly Run[], source: SourceKind): Obj[] {
  return all.flatMap((r) => r.files.filter((f) => f.source === source).flatMap((f) => f.records));
}

// ---------------------------------------------------------------------------------------------
// Real samples

function tetragonKind(r: Obj): string {
  return Object.keys(r).find((k) => k !== 'node_name' && k !== 'time' && k !== 'cluster_name' && k !== 'node_labels' && k !== 'aggregation_info') ?? '?';
}

/** Tetragon's `Process` (process, parent, ancestors) is one kind whatever event holds it. */
const TETRAGON_WALK: Walk = {
  rekind: (path) => (/^process_\w+\.(process|parent|ancestors\[\])$/.test(path) ? 'Process' : undefined),
  place: (path, kind) => (kind !== 'Process' && !path.startsWith('process_') ? 'envelope' : undefined),
  isMap: (path) => /(^|\.)(pod_labels|pod_annotations|node_labels)$/.test(path),
};

function realTetragon(): Obj[] {
  return [
    ...readCorpus('tetragon/testdata-events.jsonl'),
    ...readCorpus('tetragon/docs-examples', (f) => f.endsWith('.jsonl')),
    ...readCorpus('tetragon/security-observability-with-ebpf', (f) => f.endsWith('.json') && !f.endsWith('labels.json')),
  ].filter((r) => tetragonKind(r).startsWith('process_'));
}

/** Falco: `output_fields` is checked against the rules (below), so here it is a map. */
const FALCO_WALK: Walk = { isMap: (path) => path === 'output_fields' };

function realFalco(): Obj[] {
  const website = readCorpus('falco-website-alerts/alerts.jsonl').map((x) => x['alert']).filter(isObj);
  return [...readCorpus('falco/alert-examples.jsonl'), ...website.filter((a) => a['rule'] !== 'Falco internal: metrics snapshot')];
}

/** Request and response bodies are Kubernetes objects, one kind per resource; their labels and such are maps. */
const AUDIT_WALK: Walk = {
  rekind: (path, _v, kind) => (kind === 'Event' && (path === 'requestObject' || path === 'responseObject') ? path : undefined),
  isMap: (path) => (/(^|\.)(labels|annotations|matchLabels|nodeSelector|data|stringData|binaryData)$/.test(path) && path !== 'annotations') || path === 'user.extra',
};

function auditShapes(records: readonly Obj[]): Shapes {
  const shapes: Shapes = new Map();
  for (const r of records) {
    const ref = isObj(r['objectRef']) ? r['objectRef'] : {};
    const resource = `${String(ref['resource'] ?? '?')}${ref['subresource'] === undefined ? '' : `/${String(ref['subresource'])}`}`;
    const walk: Walk = { ...AUDIT_WALK, rekind: (path, v, kind) => (AUDIT_WALK.rekind?.(path, v, kind) === undefined ? undefined : `${path} of ${resource}`) };
    collect(shapes, 'Event', r, walk);
  }
  return shapes;
}

function realAudit(): Obj[] {
  return [
    ...readCorpus('falco-k8s-audit-traces/k8s_audit'),
    ...readCorpus('falco/plugins/k8saudit/testdata/events'),
    ...readCorpus('falco/plugins/k8saudit/testdata/all_events.jsonl'),
  ].filter((r) => r['kind'] === 'Event');
}

/**
 * CloudTrail: the record's own fields are one kind; who called is one kind per event type and
 * identity type (a console sign-in names no access key); the per-API parts (requestParameters,
 * responseElements, additionalEventData) one kind per API.
 */
function cloudTrailShapes(records: readonly Obj[]): Shapes {
  const shapes: Shapes = new Map();
  for (const r of records) {
    const api = `${String(r['eventSource'])} ${String(r['eventName'])}`;
    const who = isObj(r['userIdentity']) ? String(r['userIdentity']['type']) : '?';
    const walk: Walk = {
      rekind: (path, _v, kind) => {
        if (kind !== 'record') return undefined;
        if (path === 'userIdentity') return `userIdentity of ${String(r['eventType'])} by ${who}`;
        if (path === 'requestParameters' || path === 'responseElements' || path === 'additionalEventData' || path === 'serviceEventDetails') return `${path} of ${api}`;
        return undefined;
      },
    };
    collect(shapes, 'record', r, walk);
  }
  return shapes;
}

function realCloudTrail(): { withTime: Obj[]; all: Obj[] } {
  const withTime = [...readCorpus('stratus-red-team/detonation-logs', (f) => f.endsWith('.json')), ...readCorpus('falco-k8s-audit-traces/cloudtrail')];
  // OTRF's capture went through Logstash: the CloudTrail fields are intact, but eventTime became
  // @timestamp; it counts for field paths (it has real S3 data events), not for eventTime.
  const otrf = readCorpus('otrf-security-datasets/aws/collection/ec2_proxy_s3_exfiltration_2020-09-14011940.json').map((r) => {
    const c = { ...r };
    delete c['@timestamp'];
    delete c['@version'];
    return c;
  });
  return { withTime, all: [...withTime, ...otrf] };
}

// ---------------------------------------------------------------------------------------------
// Tetragon's API (api-shape.json, from the gRPC reference): which fields exist, with which types

interface ApiField {
  readonly field: string;
  readonly type: string;
  readonly label: string | null;
}

interface TetragonApi {
  readonly messages: Readonly<Record<string, readonly ApiField[]>>;
}

/**
 * The API field a path names, from `start` (`GetEventsResponse` for a whole record, `Process` for
 * the Process kind), with the message holding it; a map's keys (`pod_labels.{}`) name the map.
 */
function apiField(api: TetragonApi, start: string, path: string): { field: ApiField; owner: string } | undefined {
  let type = start;
  let found: { field: ApiField; owner: string } | undefined;
  for (const raw of path.split('.')) {
    if (type.endsWith('Entry')) return found;
    const seg = raw.replace(/\[\]$/, '');
    const f = (api.messages[type] ?? []).find((x) => x.field === seg);
    if (f === undefined) return undefined;
    found = { field: f, owner: type };
    type = f.type;
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Falco rules, for the alerts the simulation raises from real rules

interface FalcoRule {
  readonly rule: string;
  readonly output: string;
  readonly priority: string;
  readonly tags: readonly string[];
  readonly source: string;
}

const PRIORITY_NAMES: Readonly<Record<string, string>> = {
  EMERGENCY: 'Emergency', ALERT: 'Alert', CRITICAL: 'Critical', ERROR: 'Error', WARNING: 'Warning', NOTICE: 'Notice', INFO: 'Informational', INFORMATIONAL: 'Informational', DEBUG: 'Debug',
};

function loadFalcoRules(): Map<string, FalcoRule> {
  const files = ['falco/rules/falco_rules.yaml', 'falco/rules/falco-incubating_rules.yaml', 'falco/rules/falco-sandbox_rules.yaml', 'falco/plugins/k8saudit/rules', 'falco/plugins/cloudtrail/rules'];
  const rules = new Map<string, FalcoRule>();
  for (const rel of files) {
    const p = corpusPath(rel);
    const paths = statSync(p).isDirectory() ? filesUnder(p).filter((f) => f.endsWith('.yaml')) : [p];
    for (const f of paths) {
      const doc = parseYaml(readFileSync(f, 'utf8')) as unknown;
      if (!Array.isArray(doc)) continue;
      for (const item of doc as unknown[]) {
        if (!isObj(item) || typeof item['rule'] !== 'string' || typeof item['output'] !== 'string' || item['append'] === true || item['override'] !== undefined) continue;
        if (rules.has(item['rule'])) continue;
        const tags = Array.isArray(item['tags']) ? item['tags'].map(String) : [];
        rules.set(item['rule'], { rule: item['rule'], output: item['output'].trim().replace(/\s+/g, ' '), priority: String(item['priority']), tags, source: typeof item['source'] === 'string' ? item['source'] : 'syscall' });
      }
    }
  }
  return rules;
}

const FIELD_REF = /%([A-Za-z_][\w.]*(?:\[[^\]\s]+\])?)/g;

function fieldsOf(output: string): string[] {
  return [...output.matchAll(FIELD_REF)].map((m) => (m[1] as string).replace(/\.+$/, ''));
}

/** Falco's rendering of an output format: each `%field` replaced by its value, `<NA>` when null. */
function render(format: string, fields: Obj): string {
  return format.replace(FIELD_REF, (_m, name: string) => {
    const key = name.replace(/\.+$/, '');
    const v = fields[key];
    const text = v === null || v === undefined ? '<NA>' : typeof v === 'string' ? v : JSON.stringify(v);
    return text + name.slice(key.length);
  });
}

/**
 * What Falco appends to syscall alerts (`append_output`, container and Kubernetes context), as in
 * the real alert of alert-examples.jsonl line 1; the test checks that it reproduces that alert.
 */
const SYSCALL_APPEND = ' container_id=%container.id container_name=%container.name container_image_repository=%container.image.repository container_image_tag=%container.image.tag k8s_pod_name=%k8s.pod.name k8s_ns_name=%k8s.ns.name';

function hhmmss(time: string): string {
  return time.slice(11, 29);
}

// ---------------------------------------------------------------------------------------------

describe('vigil simulate: the four formats', () => {
  after(async () => {
    for (const d of scratch) await rm(d, { recursive: true, force: true });
  });

  it('decodes with Vigil’s own decoders, every file as the source its folder names, with no errors', async (t) => {
    const { all, notes } = await runs();
    for (const n of notes) t.diagnostic(n);
    for (const run of all) {
      const { events, errors, skipped } = await decodeFiles([join(run.dir, 'telemetry')], { format: 'auto' });
      assert.deepEqual(errors.slice(0, 5), [], `${run.name}: decode errors`);
      assert.equal(skipped, 0, `${run.name}: skipped records`);
      const bySource = new Map<string, Map<string, number>>();
      for (const e of events) {
        const rel = relative(run.dir, e.origin.path).split(sep).join('/');
        let m = bySource.get(rel);
        if (m === undefined) bySource.set(rel, (m = new Map()));
        m.set(e.source, (m.get(e.source) ?? 0) + 1);
      }
      for (const f of run.files) {
        const got = bySource.get(f.rel);
        assert.deepEqual(got === undefined ? {} : Object.fromEntries(got), { [f.source]: f.records.length }, `${run.name}: ${f.rel} decodes as ${f.source}, every record`);
      }
      assert.equal(events.length, run.truth.counts.total, `${run.name}: every record decodes to an event`);
      for (const s of ['tetragon', 'falco', 'k8saudit', 'cloudtrail'] as const) {
        assert.equal(events.filter((e) => e.source === s).length, run.truth.counts[s], `${run.name}: ${s} count`);
      }
      // The truth lists every written file with its record count.
      assert.deepEqual(
        run.truth.files.map((f) => [f.file, f.source, f.records]).sort(),
        run.files.map((f) => [f.rel, f.source, f.records.length]).sort(),
        `${run.name}: truth.files`,
      );
    }
    const { background, scenarios } = await runs();
    for (const s of ['tetragon', 'falco', 'k8saudit', 'cloudtrail'] as const) {
      assert.ok(background.truth.counts[s] + scenarios.truth.counts[s] > 0, `no ${s} record written`);
    }
    assert.ok(scenarios.truth.scenarios.length + (await runs()).solo.length === SCENARIOS.length, 'every scenario ran');
  });

  it('delivers CloudTrail as S3 does: gzip files named and foldered by account, region and delivery time, 3 to 20 minutes late, unordered', async () => {
    const { all } = await runs();
    let files = 0;
    let unordered = 0;
    for (const run of all) {
      for (const f of run.files.filter((x) => x.source === 'cloudtrail')) {
        files++;
        assert.deepEqual([...f.bytes.subarray(0, 2)], [0x1f, 0x8b], `${f.rel}: gzip`);
        const m = /^telemetry\/cloudtrail\/AWSLogs\/(\d{12})\/CloudTrail\/([a-z0-9-]+)\/(\d{4})\/(\d\d)\/(\d\d)\/(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)Z_([A-Za-z0-9]{16})\.json\.gz$/.exec(f.rel);
        assert.ok(m !== null, `${f.rel}: not AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 alnum>.json.gz`);
        const [, account, region, y, mo, d, account2, region2, sy, smo, sd, sh, smi] = m as unknown as string[];
        assert.equal(account2, account, `${f.rel}: account in the name`);
        assert.equal(region2, region, `${f.rel}: region in the name`);
        assert.deepEqual([y, mo, d], [sy, smo, sd], `${f.rel}: the folder is the delivery date`);
        const stamp = Date.UTC(Number(sy), Number(smo) - 1, Number(sd), Number(sh), Number(smi));
        assert.ok(f.records.length > 0, `${f.rel}: empty`);
        const times = f.records.map((r) => Date.parse(String(r['eventTime'])));
        for (const [i, r] of f.records.entries()) {
          const lag = stamp - (times[i] as number);
          assert.ok(lag >= 3 * 60_000 && lag <= 20 * 60_000, `${f.rel}: ${String(r['eventTime'])} delivered ${lag / 60_000} min later (3 to 20)`);
          assert.equal(r['recipientAccountId'], account, `${f.rel}: recipientAccountId`);
          assert.equal(r['awsRegion'], region, `${f.rel}: awsRegion`);
        }
        if (times.some((x, i) => i > 0 && x < (times[i - 1] as number))) unordered++;
      }
    }
    assert.ok(files > 0, 'no CloudTrail file');
    assert.ok(unordered > 0, `none of ${files} CloudTrail files has its records out of eventTime order`);
  });

  it('names JSON-lines files after their stream: Tetragon and Falco per node, the audit log once', async () => {
    const { all } = await runs();
    for (const run of all) {
      for (const f of run.files) {
        const base = f.rel.slice(f.rel.lastIndexOf('/') + 1, -'.jsonl'.length);
        if (f.source === 'tetragon') for (const r of f.records) assert.equal(r['node_name'], base, `${f.rel}: node_name`);
        if (f.source === 'falco') for (const r of f.records) assert.equal(r['hostname'], base, `${f.rel}: hostname`);
        if (f.source === 'k8saudit') assert.equal(f.rel, 'telemetry/k8s-audit/kube-apiserver-audit.jsonl');
      }
    }
  });

  it('is deterministic: the same seed and options give the same bytes and truth, another seed other content', async () => {
    const { scenarios } = await runs();
    const again = await freshDir();
    await simulate(again, scenarios.options);
    const rerun = readRun('rerun', again, scenarios.options, JSON.parse(await readFile(join(again, TRUTH_FILE), 'utf8')) as Truth);
    assert.deepEqual(rerun.files.map((f) => f.rel), scenarios.files.map((f) => f.rel), 'same files');
    for (const [i, f] of rerun.files.entries()) assert.ok(f.bytes.equals((scenarios.files[i] as SimFile).bytes), `${f.rel} differs between two runs with seed 7`);
    assert.ok((await readFile(join(again, TRUTH_FILE))).equals(await readFile(join(scenarios.dir, TRUTH_FILE))), 'truth.json differs between two runs with seed 7');

    const other = await freshDir();
    const options = { ...scenarios.options, seed: 8 };
    await simulate(other, options);
    const b = readRun('seed 8', other, options, JSON.parse(await readFile(join(other, TRUTH_FILE), 'utf8')) as Truth);
    const content = (r: Run) => r.files.map((f) => `${f.rel}\n${f.records.map((x) => JSON.stringify(x)).join('\n')}`).join('\n');
    assert.notEqual(content(b), content(scenarios), 'seed 8 wrote the same telemetry as seed 7');
    for (const s of ['tetragon', 'k8s-audit', 'cloudtrail'] as const) {
      const mine = scenarios.files.filter((f) => f.rel.startsWith(`telemetry/${s}/`)).map((f) => f.bytes.toString('utf8')).join('');
      const theirs = b.files.filter((f) => f.rel.startsWith(`telemetry/${s}/`)).map((f) => f.bytes.toString('utf8')).join('');
      assert.notEqual(theirs, mine, `${s}: seed 8 wrote the same as seed 7`);
    }
    assert.notEqual(await readFile(join(other, TRUTH_FILE), 'utf8'), await readFile(join(scenarios.dir, TRUTH_FILE), 'utf8'), 'truth.json the same for seeds 7 and 8');
  });

  describe('shapes against the real samples in ../shared/corpus', () => {
    it('Tetragon: field paths and encodings of process_exec/exit/kprobe and Process, per the samples and Tetragon’s API', async (t) => {
      if (!requireCorpus(t)) return;
      const { all } = await runs();
      const api = JSON.parse(readFileSync(corpusPath('tetragon/api-shape.json'), 'utf8')) as TetragonApi;
      const real = realTetragon();
      const sim = simRecords(all, 'tetragon');
      assert.ok(real.length > 50 && sim.length > 1000);
      const simShapes = shapesOf(sim, tetragonKind, TETRAGON_WALK);
      const realShapes = shapesOf(real, tetragonKind, TETRAGON_WALK);

      // Paths the samples lack: each must be a field of Tetragon's API (checked below).
      const exceptions: Exception[] = [
        { kind: /^process_kprobe$/, path: 'process_kprobe.args[].sock_arg', reason: 'KprobeSock (tcp_connect hooks); the JSON samples hold no socket kprobe' },
        { kind: /^Process$/, path: 'pod.container.security_context', reason: 'Container.security_context (privileged pods), in Tetragon since v1.1; the samples predate it' },
        { kind: /^process_exit$/, path: 'process_exit.status', reason: 'ProcessExit.status, set for a non-zero exit; every sample exit is status 0, which protojson omits' },
        { kind: /^process_exit$/, path: 'process_exit.signal', reason: 'ProcessExit.signal, set when a signal ended the process; no sample exit was signalled' },
        { kind: /^process_exit$/, path: 'process_exit.time', reason: 'ProcessExit.time, added after the samples were captured' },
      ];
      const report = compareShapes(simShapes, realShapes, exceptions, () => false);
      const notInApi: string[] = [];
      for (const [kind, paths] of simShapes) {
        for (const path of paths.keys()) {
          if (apiField(api, kind === 'Process' ? 'Process' : 'GetEventsResponse', path) === undefined) notInApi.push(`${kind}: ${path}`);
        }
      }
      const problems = [...notInApi.map((p) => `not a field of Tetragon's API (api-shape.json): ${p}`), ...shapeProblems(t, 'tetragon', report)];
      assert.deepEqual(problems, [], 'Tetragon records unlike the real ones');
    });

    it('Tetragon: timestamps, exec ids, container ids and image digests encoded as the agent does', async (t) => {
      if (!requireCorpus(t)) return;
      const { all } = await runs();
      const api = JSON.parse(readFileSync(corpusPath('tetragon/api-shape.json'), 'utf8')) as TetragonApi;
      const real = realTetragon();
      const sim = simRecords(all, 'tetragon');
      const processes = (records: readonly Obj[]) =>
        records.flatMap((r) => {
          const body = r[tetragonKind(r)];
          return isObj(body) ? [body['process'], body['parent']].filter(isObj).map((p) => ({ p, r, parent: isObj(body['parent']) && body['process'] === p ? body['parent'] : undefined })) : [];
        });
      const simProcs = processes(sim);
      const realProcs = processes(real);
      const bad: string[] = [];

      // Timestamps: RFC 3339 with nanoseconds; protojson writes 0, 3, 6 or 9 digits, the fewest exact.
      const nanos = str(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      const protojson = (v: Json) => typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.(\d{3}){1,3})?Z$/.test(v) && !/\.(\d{3})*000Z$/.test(v);
      checkPattern('time: RFC 3339 with nanoseconds', sim.map((r) => r['time'] ?? null), real.map((r) => r['time'] ?? null), nanos, bad);
      checkPattern('process.start_time: RFC 3339 with nanoseconds', simProcs.map((x) => x.p['start_time'] ?? null), realProcs.map((x) => x.p['start_time'] ?? null), nanos, bad);
      const allTimes = (records: readonly Obj[], procs: typeof simProcs): Json[] =>
        [...records.map((r) => r['time'] ?? null), ...procs.map((x) => x.p['start_time'] ?? null), ...records.flatMap((r) => valuesAt(r, 'process_exit.time'))].filter((v) => v !== null);
      const realTimes = allTimes(real, realProcs);
      assert.deepEqual(realTimes.filter((v) => !protojson(v)), [], 'real Tetragon timestamps are protojson’s (0/3/6/9 digits, the fewest exact)');
      checkPattern('timestamps as protojson writes them (0/3/6/9 fraction digits, the fewest exact)', allTimes(sim, simProcs), realTimes, protojson, bad);

      // exec_id: base64 of node:ktime:pid; the node is the record's.
      const execIdText = (v: Json) => (typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : '');
      const execId = (v: Json) => typeof v === 'string' && Buffer.from(execIdText(v), 'utf8').toString('base64') === v && /^[^:]+:\d+:\d+$/.test(execIdText(v));
      checkPattern('exec_id: base64 of node:ktime:pid', simProcs.map((x) => x.p['exec_id'] ?? null), realProcs.map((x) => x.p['exec_id'] ?? null), execId, bad);
      checkPattern('parent_exec_id: base64 of node:ktime:pid', simProcs.flatMap((x) => x.p['parent_exec_id'] ?? []), realProcs.flatMap((x) => x.p['parent_exec_id'] ?? []), execId, bad);
      const wrongNode = simProcs.filter((x) => execIdText(x.p['exec_id'] ?? null).split(':')[0] !== x.r['node_name']);
      if (wrongNode.length > 0) bad.push(`exec_id names another node than node_name: ${wrongNode.length}`);
      const linked = (xs: typeof simProcs) => xs.filter((x) => x.parent !== undefined);
      assert.ok(linked(realProcs).some((x) => x.p['parent_exec_id'] === x.parent?.['exec_id']), 'real: process.parent_exec_id is the parent’s exec_id');
      const unlinked = linked(simProcs).filter((x) => x.p['parent_exec_id'] !== x.parent?.['exec_id']);
      if (unlinked.length > 0) bad.push(`process.parent_exec_id is not parent.exec_id: ${unlinked.length}`);

      // Pods: containerd://<64 hex>, docker = its first 31 hex digits, image id = repository@sha256:<64 hex>.
      const withPod = (xs: typeof simProcs) => xs.map((x) => x.p).filter((p) => isObj(p['pod']) && isObj((p['pod'] as Obj)['container']));
      const container = (p: Obj) => (p['pod'] as Obj)['container'] as Obj;
      const cid = (p: Obj) => container(p)['id'] ?? null;
      checkPattern('pod.container.id: containerd://<64 hex>', withPod(simProcs).map(cid), withPod(realProcs).map(cid), str(/^containerd:\/\/[0-9a-f]{64}$/), bad);
      const dockerOk = (p: Obj) => typeof p['docker'] === 'string' && p['docker'] === String(cid(p)).slice('containerd://'.length, 'containerd://'.length + 31);
      assert.ok(withPod(realProcs).some(dockerOk), 'real: docker is the first 31 hex digits of a containerd id');
      const badDocker = withPod(simProcs).filter((p) => !dockerOk(p));
      if (badDocker.length > 0) bad.push(`docker is not the first 31 hex digits of pod.container.id: ${badDocker.length}`);
      const image = (p: Obj) => (isObj(container(p)['image']) ? (container(p)['image'] as Obj) : {});
      const digestOk = (p: Obj) => {
        const id = image(p)['id'];
        const name = image(p)['name'];
        if (typeof id !== 'string' || typeof name !== 'string') return false;
        const m = /^([^@\s]+)@sha256:[0-9a-f]{64}$/.exec(id);
        return m !== null && /^[^@\s]+:[^:/@\s]+$/.test(name) && name.replace(/:[^:/]+$/, '') === m[1];
      };
      assert.ok(withPod(realProcs).some(digestOk), 'real: image.id is repository@sha256:<64 hex> of image.name (repository:tag)');
      const badDigest = withPod(simProcs).filter((p) => !digestOk(p));
      if (badDigest.length > 0) bad.push(`image.id/name not repository@sha256:<64 hex> and repository:tag: ${badDigest.length}, e.g. ${JSON.stringify(image(badDigest[0] as Obj))}`);
      checkPattern('pod.container.start_time: RFC 3339 to the second', withPod(simProcs).map((p) => container(p)['start_time'] ?? null), withPod(realProcs).map((p) => container(p)['start_time'] ?? null), str(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), bad);

      // protojson omits proto3 zero values ('' / 0 / false) of plain fields; wrapper types (pid,
      // uid, auid, tid...) and the members of a oneof (KprobeArgument) are written when set.
      const zeros = (records: readonly Obj[]) => {
        const found: string[] = [];
        const walk = (v: Json, path: string) => {
          if (Array.isArray(v)) v.forEach((x) => walk(x, `${path}[]`));
          else if (isObj(v)) {
            if (/(^|\.)(pod_labels|pod_annotations|node_labels)$/.test(path)) return;
            for (const [k, x] of Object.entries(v)) walk(x, path === '' ? k : `${path}.${k}`);
          } else if (v === '' || v === 0 || v === false) {
            const f = apiField(api, 'GetEventsResponse', path);
            if (f === undefined || f.field.type.startsWith('google.protobuf.') || f.owner === 'KprobeArgument') return;
            found.push(`${path.replace(/^process_\w+\.(process|parent)\./, 'Process.')}=${JSON.stringify(v)}`);
          }
        };
        for (const r of records) walk(r, '');
        return found;
      };
      assert.deepEqual(zeros(real), [], 'real samples write no zero values of plain fields');
      const simZeros = [...new Set(zeros(sim))].sort();
      if (simZeros.length > 0) bad.push(`zero values protojson would omit: ${simZeros.join(', ')}`);

      // Enumerations as strings; 64-bit integers as strings.
      checkPattern('process_kprobe.action: KPROBE_ACTION_*', sim.flatMap((r) => valuesAt(r, 'process_kprobe.action')), real.flatMap((r) => valuesAt(r, 'process_kprobe.action')), str(/^KPROBE_ACTION_[A-Z]+$/), bad);
      const cookies = sim.flatMap((r) => valuesAt(r, 'process_kprobe.args[].sock_arg.cookie'));
      const badCookies = cookies.filter((v) => typeof v !== 'string' || !/^\d+$/.test(v));
      if (badCookies.length > 0) bad.push(`sock_arg.cookie (uint64) not a JSON string of digits: ${badCookies.length}`);
      assert.deepEqual(bad, [], 'Tetragon encodings unlike the real agent’s');
      t.diagnostic(`${sim.length} simulated Tetragon records against ${real.length} real ones`);
    });

    it('Falco: alert fields, priorities, tags, times and output_fields as Falco writes them for the rules', async (t) => {
      if (!requireCorpus(t)) return;
      const { all } = await runs();
      const real = realFalco();
      const sim = simRecords(all, 'falco');
      assert.ok(real.length >= 10 && sim.length > 0);
      const report = compareShapes(shapesOf(sim, () => 'alert', FALCO_WALK), shapesOf(real, () => 'alert', FALCO_WALK), [], () => false);
      const bad = shapeProblems(t, 'falco', report);

      const rules = loadFalcoRules();
      // The real alert that carries today's rule output shows what Falco appends to syscall alerts.
      const example = readCorpus('falco/alert-examples.jsonl')[0] as Obj;
      const exampleRule = rules.get(String(example['rule'])) as FalcoRule;
      const exampleFields = example['output_fields'] as Obj;
      assert.equal(example['output'], `${hhmmss(String(example['time']))}: ${String(example['priority'])} ${render(exampleRule.output + SYSCALL_APPEND, exampleFields)}`, 'the real example is Falco’s rendering of its rule plus the appended context');
      const appended = fieldsOf(SYSCALL_APPEND);
      assert.deepEqual(Object.keys(exampleFields).sort(), [...new Set(['evt.time', ...fieldsOf(exampleRule.output), ...appended])].sort(), 'real output_fields: evt.time, the rule’s fields and the appended ones');

      const realKeys = new Map<string, Set<string>>();
      for (const a of real) for (const [k, v] of Object.entries(isObj(a['output_fields']) ? a['output_fields'] : {})) realKeys.set(k, (realKeys.get(k) ?? new Set()).add(encodingOf(v)));
      const vocabulary = new Set([...realKeys.keys(), ...[...rules.values()].flatMap((r) => fieldsOf(r.output))]);
      const priorities = new Set(Object.values(PRIORITY_NAMES));
      const sources = new Set(real.map((a) => a['source']).filter((s) => s !== undefined));
      for (const a of real) {
        assert.ok(priorities.has(String(a['priority'])), `real priority ${String(a['priority'])}`);
        assert.match(String(a['time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{1,9}Z$/);
        assert.match(String(a['output']), /^\d\d:\d\d:\d\d\.\d{9}: [A-Z][a-z]+ /);
        if (Array.isArray(a['tags'])) assert.deepEqual(a['tags'], [...a['tags']].sort(), 'real tags are sorted');
      }
      const hex64 = new Set(simRecords(all, 'tetragon').flatMap((r) => valuesAt(r, `${tetragonKind(r)}.process.pod.container.id`)).map((v) => String(v).slice('containerd://'.length, 'containerd://'.length + 12)));
      // Falco writes null for a field without a value (the samples show it for several fields).
      const nullable = [...realKeys.values()].some((e) => e.has('null'));
      assert.ok(nullable, 'real: output_fields hold null for fields without a value');
      const seen = new Map<string, { first: string; count: number }>();
      for (const a of sim) {
        const rule = String(a['rule']);
        /** One finding per rule and problem, with its first example and how often it occurs. */
        const say = (problem: string, example = '') => {
          const key = `${rule}: ${problem}`;
          const s = seen.get(key);
          if (s === undefined) seen.set(key, { first: example, count: 1 });
          else s.count++;
        };
        const time = String(a['time']);
        const priority = String(a['priority']);
        const fields = isObj(a['output_fields']) ? a['output_fields'] : {};
        if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/.test(time)) say('time is not RFC 3339 with nanoseconds', time);
        const evt = fields['evt.time'];
        if (typeof evt !== 'number' || !Number.isInteger(evt) || Math.abs(evt / 1e6 - Date.parse(time)) > 1) say('evt.time is not the integer nanoseconds of time', `${JSON.stringify(evt)} vs ${time}`);
        if (!priorities.has(priority)) say(`priority ${priority} is not a Falco priority name`);
        if (!sources.has(a['source'] ?? null)) say(`source ${JSON.stringify(a['source'])} is none of ${[...sources].join(', ')}`);
        const tags = a['tags'];
        if (!Array.isArray(tags) || tags.some((x) => typeof x !== 'string') || JSON.stringify(tags) !== JSON.stringify([...new Set(tags)].sort())) say(`tags ${JSON.stringify(tags)} are not sorted unique strings`);
        if (!String(a['output']).startsWith(`${hhmmss(time)}: ${priority} `)) say('output does not start with "<HH:MM:SS.nnnnnnnnn of time>: <priority> "', String(a['output']).slice(0, 40));
        for (const [k, v] of Object.entries(fields)) {
          if (!vocabulary.has(k)) say(`output_fields key ${k} is not a Falco field (none of the real alerts or rule outputs use it)`);
          // The value's type as in the real alerts (null aside: any field may lack a value).
          const types = [...(realKeys.get(k) ?? [])].filter((x) => x !== 'null');
          if (v === null ? !nullable : types.length > 0 && !types.includes(encodingOf(v))) say(`output_fields.${k} is ${encodingOf(v)}, real ${types.join('|')}`);
        }
        const container = fields['container.id'];
        if (container !== undefined && container !== 'host' && !(typeof container === 'string' && /^[0-9a-f]{12}$/.test(container) && hex64.has(container))) {
          say('container.id is not "host" nor the 12-hex short id of a simulated container', JSON.stringify(container));
        }
        const r = rules.get(rule);
        if (r === undefined) continue;
        if (PRIORITY_NAMES[r.priority.toUpperCase()] !== priority) say(`priority ${priority}, the rule's is ${r.priority}`);
        if (JSON.stringify(tags) !== JSON.stringify([...r.tags].sort())) say(`tags ${JSON.stringify(tags)}, the rule's are ${JSON.stringify([...r.tags].sort())}`);
        if (r.source !== 'syscall') continue;
        const expected = new Set(['evt.time', ...fieldsOf(r.output), ...appended]);
        const keys = Object.keys(fields);
        const extra = keys.filter((k) => !expected.has(k));
        const missing = [...expected].filter((k) => !keys.includes(k));
        if (extra.length > 0) say(`output_fields has ${extra.join(', ')}, which the rule's output does not name`);
        if (missing.length > 0) say(`output_fields lacks ${missing.join(', ')}, which Falco writes for this rule`);
        const text = `${hhmmss(time)}: ${priority} ${render(r.output + SYSCALL_APPEND, fields)}`;
        if (a['output'] !== text) say("output is not Falco's rendering of the rule's output format", `simulated ${JSON.stringify(a['output'])}, Falco would write ${JSON.stringify(text)}`);
      }
      for (const [key, { first, count }] of seen) bad.push(`${key} (${count} alert${count === 1 ? '' : 's'})${first === '' ? '' : `; e.g. ${first.length > 900 ? `${first.slice(0, 900)}…` : first}`}`);
      if (container0(sim)) t.diagnostic('some simulated alerts are about host processes (container.id "host": Falco’s value outside containers; the samples have none)');
      assert.deepEqual(bad, [], 'Falco alerts unlike the real ones');
    });

    it('Kubernetes audit: field paths, bodies per resource, timestamps in microseconds, ids and annotations as the API server writes them', async (t) => {
      if (!requireCorpus(t)) return;
      const { all } = await runs();
      const real = realAudit();
      const sim = simRecords(all, 'k8saudit');
      assert.ok(real.length > 100 && sim.length > 100);
      const exceptions: Exception[] = [
        { kind: /^Event$/, path: 'responseStatus.reason', reason: 'metav1.Status.reason of a failed request (Forbidden, NotFound…); the samples hold only successful requests' },
        {
          kind: /^Event$/,
          path: 'user.extra',
          reason: 'UserInfo.extra: a pod-bound service-account token adds authentication.kubernetes.io/pod-name, node-name, credential-id… (Kubernetes 1.30); the 2018 samples predate it',
        },
      ];
      const report = compareShapes(auditShapes(sim), auditShapes(real), exceptions, (kind) => kind !== 'Event', (kind) => kind !== 'Event');
      const bad = shapeProblems(t, 'k8s audit', report);

      const micros = str(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      for (const f of ['requestReceivedTimestamp', 'stageTimestamp']) checkPattern(`${f}: RFC 3339 with microseconds`, sim.map((r) => r[f] ?? null), real.map((r) => r[f] ?? null), micros, bad);
      const backwards = sim.filter((r) => String(r['stageTimestamp']) < String(r['requestReceivedTimestamp']));
      if (backwards.length > 0) bad.push(`stageTimestamp before requestReceivedTimestamp: ${backwards.length}`);
      checkPattern('auditID: a UUID', sim.map((r) => r['auditID'] ?? null), real.map((r) => r['auditID'] ?? null), str(UUID), bad);
      // Values beyond the samples' that the API server writes (the samples hold allowed requests only).
      const beyond: Readonly<Record<string, readonly string[]>> = { 'annotations.authorization.k8s.io/decision': ['forbid'] };
      for (const f of ['kind', 'apiVersion', 'level', 'stage', 'annotations.authorization.k8s.io/decision']) {
        const get = (r: Obj): Json => (f.startsWith('annotations.') ? (isObj(r['annotations']) ? r['annotations']['authorization.k8s.io/decision'] : undefined) : r[f]) ?? null;
        const realValues = new Set<Json>([...real.map(get).filter((v) => v !== null), ...(beyond[f] ?? [])]);
        const other = [...new Set(sim.map(get))].filter((v) => !realValues.has(v));
        if (other.length > 0) bad.push(`${f}: ${JSON.stringify(other)} not among the real ${JSON.stringify([...realValues])}`);
      }
      // authorization.k8s.io/reason of an allowed request: empty, or RBAC's full sentence naming the binding, role and subject.
      const rbac = /^RBAC: allowed by (Cluster)?RoleBinding "[^"]+" of (Cluster)?Role "[^"]+" to (User|Group|ServiceAccount) "[^"]+"$/;
      const reason = (r: Obj) => (isObj(r['annotations']) ? (r['annotations']['authorization.k8s.io/reason'] ?? null) : null);
      const allowed = (r: Obj) => isObj(r['annotations']) && r['annotations']['authorization.k8s.io/decision'] === 'allow';
      checkPattern('annotations authorization.k8s.io/reason of an allowed request: "" or RBAC: allowed by ClusterRoleBinding "…" of ClusterRole "…" to User "…"', sim.filter(allowed).map(reason), real.filter(allowed).map(reason), (v) => v === '' || (typeof v === 'string' && rbac.test(v)), bad);
      assert.ok(real.some((r) => typeof reason(r) === 'string' && rbac.test(String(reason(r)))), 'real: an RBAC reason names the binding, role and subject');
      // Bodies follow the level: Metadata none, Request the request only.
      const level = (r: Obj) => `${String(r['level'])}:${r['requestObject'] === undefined ? '' : 'req'}+${r['responseObject'] === undefined ? '' : 'resp'}`;
      const realLevels = new Set(real.map(level));
      const otherLevels = [...new Set(sim.map(level))].filter((l) => !realLevels.has(l));
      if (otherLevels.length > 0) bad.push(`level and bodies ${JSON.stringify(otherLevels)} unlike the real ${JSON.stringify([...realLevels])}`);
      const uriOk = (r: Obj) => {
        const ref = isObj(r['objectRef']) ? r['objectRef'] : {};
        const uri = String(r['requestURI']);
        const group = ref['apiGroup'] === undefined ? `/api/${String(ref['apiVersion'] ?? 'v1')}` : `/apis/${String(ref['apiGroup'])}/${String(ref['apiVersion'])}`;
        const ns = ref['namespace'] === undefined ? '' : `/namespaces/${String(ref['namespace'])}`;
        const name = ref['name'] === undefined ? '' : `/${String(ref['name'])}`;
        const sub = ref['subresource'] === undefined ? '' : `/${String(ref['subresource'])}`;
        const path = `${group}${ns}/${String(ref['resource'])}${name}${sub}`;
        return uri === path || uri.startsWith(`${path}?`);
      };
      assert.ok(real.some(uriOk), 'real: requestURI is the objectRef’s path');
      const badUri = sim.filter((r) => !uriOk(r));
      if (badUri.length > 0) bad.push(`requestURI is not the objectRef's path: ${badUri.length}, e.g. ${String(badUri[0]?.['requestURI'])}`);
      assert.deepEqual(bad, [], 'audit events unlike the real ones');
    });

    it('CloudTrail: field paths per identity and per API, eventTime to the second, ids and keys encoded as AWS does', async (t) => {
      if (!requireCorpus(t)) return;
      const { all } = await runs();
      const real = realCloudTrail();
      const sim = simRecords(all, 'cloudtrail');
      assert.ok(real.withTime.length > 300 && sim.length > 10);
      const exceptions: Exception[] = [
        {
          kind: /^userIdentity of AwsApiCall by IAMUser$/,
          path: 'sessionContext',
          reason: 'an IAM user calling from a console session (with MFA) carries sessionContext.attributes; the samples’ IAM users call with long-term keys only',
        },
      ];
      const report = compareShapes(cloudTrailShapes(sim), cloudTrailShapes(real.all), exceptions, (kind) => kind.includes(' of '), (kind) => !kind.startsWith('userIdentity') && kind !== 'record');
      const bad = shapeProblems(t, 'cloudtrail', report);

      const w = real.withTime;
      checkPattern('eventTime: RFC 3339 to the second, Z', sim.map((r) => r['eventTime'] ?? null), w.map((r) => r['eventTime'] ?? null), str(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), bad);
      assert.ok(w.every((r) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(String(r['eventTime']))), 'real: every eventTime is to the second');
      checkPattern('eventID: a UUID', sim.map((r) => r['eventID'] ?? null), w.map((r) => r['eventID'] ?? null), str(UUID), bad);
      const s3 = (r: Obj) => r['eventSource'] === 's3.amazonaws.com';
      checkPattern('requestID of S3: 16 upper-case hex digits', sim.filter(s3).map((r) => r['requestID'] ?? null), real.all.filter(s3).map((r) => r['requestID'] ?? null), str(/^[0-9A-F]{16}$/), bad);
      assert.ok(real.all.filter(s3).every((r) => /^[0-9A-F]{16}$/.test(String(r['requestID']))), 'real: every S3 requestID is 16 upper-case hex digits');
      checkPattern('requestID of other services: a UUID', sim.filter((r) => !s3(r)).map((r) => r['requestID'] ?? null), w.filter((r) => !s3(r)).map((r) => r['requestID'] ?? null), str(UUID), bad);
      checkPattern('recipientAccountId: 12 digits', sim.map((r) => r['recipientAccountId'] ?? null), w.map((r) => r['recipientAccountId'] ?? null), str(/^\d{12}$/), bad);
      const ids = (records: readonly Obj[], type: string) => records.map((r) => r['userIdentity']).filter(isObj).filter((u) => u['type'] === type);
      checkPattern('IAM user: arn arn:aws:iam::<account>:user/<name>', ids(sim, 'IAMUser').map((u) => u['arn'] ?? null), ids(w, 'IAMUser').map((u) => u['arn'] ?? null), str(/^arn:aws:iam::\d{12}:user\/[\w+=,.@/-]+$/), bad);
      checkPattern('IAM user: principalId AIDA…', ids(sim, 'IAMUser').map((u) => u['principalId'] ?? null), ids(w, 'IAMUser').map((u) => u['principalId'] ?? null), str(/^AIDA[A-Z0-9]{16,17}$/), bad);
      checkPattern('assumed role: arn arn:aws:sts::<account>:assumed-role/<role>/<session>', ids(sim, 'AssumedRole').map((u) => u['arn'] ?? null), ids(w, 'AssumedRole').map((u) => u['arn'] ?? null), str(/^arn:aws:sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+$/), bad);
      checkPattern('assumed role: principalId AROA…:<session>', ids(sim, 'AssumedRole').map((u) => u['principalId'] ?? null), ids(w, 'AssumedRole').map((u) => u['principalId'] ?? null), str(/^AROA[A-Z0-9]{16,17}:[\w+=,.@-]+$/), bad);
      const keys = (records: readonly Obj[]) => records.map((r) => r['userIdentity']).filter(isObj).flatMap((u) => u['accessKeyId'] ?? []);
      checkPattern('accessKeyId: AKIA/ASIA and 16 upper-case letters or digits', keys(sim), keys(w), str(/^(AKIA|ASIA)[A-Z0-9]{16}$/), bad);
      const session = (records: readonly Obj[]) => records.map((r) => r['userIdentity']).filter(isObj).map((u) => u['sessionContext']).filter(isObj);
      checkPattern('sessionContext.attributes.mfaAuthenticated: "true" or "false"', session(sim).flatMap((s) => valuesAt(s, 'attributes.mfaAuthenticated')), session(w).flatMap((s) => valuesAt(s, 'attributes.mfaAuthenticated')), (v) => v === 'true' || v === 'false', bad);
      checkPattern('sessionIssuer.arn: arn:aws:iam::<account>:role/<name>', session(sim).flatMap((s) => valuesAt(s, 'sessionIssuer.arn')), session(w).flatMap((s) => valuesAt(s, 'sessionIssuer.arn')), str(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/), bad);
      // Values beyond the samples' that CloudTrail writes: the caller of AssumeRoleWithWebIdentity (EKS IRSA) is a WebIdentityUser.
      const beyond: Readonly<Record<string, readonly string[]>> = { 'userIdentity.type': ['WebIdentityUser'] };
      for (const f of ['eventType', 'eventCategory', 'userIdentity.type', 'tlsDetails.tlsVersion', 'eventVersion']) {
        const realValues = new Set<Json>([...real.all.flatMap((r) => valuesAt(r, f)), ...(beyond[f] ?? [])]);
        const other = [...new Set(sim.flatMap((r) => valuesAt(r, f)))].filter((v) => !realValues.has(v));
        if (other.length > 0) bad.push(`${f}: ${JSON.stringify(other)} not among the real ${JSON.stringify([...realValues].sort())}`);
      }
      assert.deepEqual(bad, [], 'CloudTrail records unlike the real ones');
    });
  });
});

function container0(sim: readonly Obj[]): boolean {
  return sim.some((a) => isObj(a['output_fields']) && a['output_fields']['container.id'] === 'host');
}
