/**
 * Loads correlation files (docs/correlation.md) into compiled rules. Like the Falco loader,
 * it never stops at the first problem: every item is checked and every problem is reported
 * with its file, line, column and a stable code. Techniques must be live ATT&CK ids; threat
 * rules that feed each other in a circle are rejected (an input could otherwise chain forever).
 */
import { tactic, technique, revokedBy } from '../core/attack.js';
import { isEntityType } from '../core/entity.js';
import type { VigilEvent } from '../core/event.js';
import { isSeverity, severityRank, type Severity } from '../core/threat.js';
import { parseDuration } from '../core/time.js';
import { compile, ConditionCompileError, ConditionSyntaxError, createFieldTable, parse } from '../lang/index.js';
import type { Diagnostic, RuleErrorCode } from '../rules/diagnostics.js';
import type { RuleFile, RuleSourceSpec } from '../rules/load.js';
import { caret, readItems, SourceFile, type Entry, type YamlItem } from '../rules/yaml-items.js';
import type { Aggregate, Attribute, Binding, CorrelationRule, Matcher, PatternMode, SignalCriteria, SignalMatcher, Step } from './model.js';

export interface CorrelationSet {
  /** Every rule that compiled, in definition order, threats before the attacks they feed. */
  readonly rules: readonly CorrelationRule[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Whether a rules file holds correlation items (`- threat:` / `- attack:`) rather than Falco items. */
export function isCorrelationFile(text: string): boolean {
  return /^\s*-\s*(threat|attack)\s*:/m.test(text);
}

const DEFAULT_LATENESS_MS = 20 * 60_000;
const MAX_COUNT = 10_000;
const RULE_KEYS = new Set(['threat', 'attack', 'description', 'techniques', 'tactics', 'severity', 'intent', 'summary', 'explanation', 'by', 'within', 'lateness', 'sequence', 'all', 'any', 'min', 'where', 'until', 'enabled']);
const STEP_KEYS = new Set(['signal', 'threat', 'event', 'as', 'count', 'distinct', 'sum', 'within', 'by', 'not']);
const SIGNAL_KEYS = new Set(['rule', 'tag', 'technique', 'source', 'feature']);
const THREAT_KEYS = new Set(['name', 'technique', 'tactic', 'severity']);

class Problem extends Error {
  constructor(
    readonly code: RuleErrorCode,
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function list(v: unknown, what: string, offset: number): string[] {
  const items = Array.isArray(v) ? v : [v];
  if (items.length === 0) throw new Problem('CORRELATION_INVALID', `${what} must name at least one value`, offset);
  for (const x of items) if (typeof x !== 'string' || x === '') throw new Problem('CORRELATION_INVALID', `${what} must be a text or a list of texts`, offset);
  return items as string[];
}

function duration(v: unknown, what: string, offset: number, zero = false): number {
  const ms = typeof v === 'string' ? parseDuration(v) : undefined;
  if (ms === undefined || ms < 0 || (ms === 0 && !zero)) throw new Problem('DURATION_INVALID', `${what} must be a duration such as 90s, 10m or 2h (got ${JSON.stringify(v)})`, offset);
  return ms;
}

function positiveInt(v: unknown, what: string, offset: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_COUNT) throw new Problem('CORRELATION_INVALID', `${what} must be a whole number from 1 to ${MAX_COUNT}`, offset);
  return v;
}

function techniqueList(v: unknown, offset: number): string[] {
  const ids = list(v, 'techniques', offset);
  for (const id of ids) {
    if (technique(id) !== undefined) continue;
    const by = revokedBy(id);
    throw new Problem('TECHNIQUE_INVALID', by === undefined ? `${id} is not a live ATT&CK technique id` : `${id} is revoked in ATT&CK; use ${by}`, offset);
  }
  return ids;
}

/** Tactics of the techniques (or as given), in kill-chain order. */
function tacticsOf(techniques: readonly string[], given: readonly string[] | undefined): string[] {
  const all = given ?? techniques.flatMap((t) => technique(t)?.tactics.map((x) => x.shortname) ?? []);
  return [...new Set(all)].sort((a, b) => (tactic(a)?.order ?? 99) - (tactic(b)?.order ?? 99));
}

interface Context {
  readonly sources: readonly RuleSourceSpec<VigilEvent>[];
}

class ItemReader {
  readonly #file: SourceFile;
  readonly #item: YamlItem;
  readonly #ctx: Context;

  constructor(file: SourceFile, item: YamlItem, ctx: Context) {
    this.#file = file;
    this.#item = item;
    this.#ctx = ctx;
  }

  entry(key: string): Entry | undefined {
    return this.#item.entries.get(key);
  }

  at(key: string): number {
    return this.entry(key)?.keyOffset ?? this.#item.offset;
  }

  valueAt(e: Entry | undefined): number {
    return e?.node?.range?.[0] ?? e?.keyOffset ?? this.#item.offset;
  }

  rule(index: number): CorrelationRule {
    const kind = this.entry('threat') !== undefined ? 'threat' : 'attack';
    const nameEntry = this.entry(kind);
    const name = nameEntry?.value;
    if (typeof name !== 'string' || name.trim() === '') throw new Problem('CORRELATION_INVALID', `${kind} needs a name`, this.at(kind));
    for (const key of this.#item.entries.keys()) {
      if (!RULE_KEYS.has(key)) throw new Problem('CORRELATION_UNKNOWN_KEY', `unknown key "${key}" (known: ${[...RULE_KEYS].join(', ')})`, this.at(key));
    }
    if (this.entry('threat') !== undefined && this.entry('attack') !== undefined) throw new Problem('CORRELATION_INVALID', 'an item is a threat or an attack, not both', this.at('attack'));
    const techniques = this.entry('techniques') === undefined ? [] : techniqueList(this.entry('techniques')?.value, this.valueAt(this.entry('techniques')));
    if (kind === 'threat' && techniques.length === 0) throw new Problem('CORRELATION_INVALID', 'a threat names its ATT&CK technique(s) in techniques', this.at('threat'));
    let tacticsGiven: string[] | undefined;
    if (this.entry('tactics') !== undefined) {
      tacticsGiven = list(this.entry('tactics')?.value, 'tactics', this.valueAt(this.entry('tactics')));
      for (const t of tacticsGiven) if (tactic(t) === undefined) throw new Problem('CORRELATION_INVALID', `unknown ATT&CK tactic "${t}" (use shortnames such as initial-access, impact)`, this.valueAt(this.entry('tactics')));
    }
    const severity = this.entry('severity')?.value ?? 'medium';
    if (!isSeverity(severity)) throw new Problem('CORRELATION_INVALID', `severity must be low, medium, high or critical (got ${JSON.stringify(severity)})`, this.valueAt(this.entry('severity')));
    const intent = this.entry('intent')?.value;
    if (kind === 'attack' && (typeof intent !== 'string' || intent === '')) throw new Problem('CORRELATION_INVALID', 'an attack names its intent (cryptojacking, data-exfiltration, data-destruction, ransomware, container-escape…)', this.at('attack'));
    if (kind === 'threat' && intent !== undefined) throw new Problem('CORRELATION_INVALID', 'intent belongs to attacks', this.at('intent'));
    const modes = (['sequence', 'all', 'any'] as const).filter((m) => this.entry(m) !== undefined);
    if (modes.length !== 1) throw new Problem('CORRELATION_INVALID', 'give exactly one pattern: sequence, all or any', this.at(kind));
    const mode: PatternMode = modes[0] as PatternMode;
    const stepsEntry = this.entry(mode);
    if (!Array.isArray(stepsEntry?.value) || stepsEntry.value.length === 0) throw new Problem('CORRELATION_INVALID', `${mode} must be a list of steps`, this.valueAt(stepsEntry));
    const stepNodes = (stepsEntry.node as { items?: { range?: [number, number, number] }[] } | null)?.items ?? [];
    const steps = (stepsEntry.value as unknown[]).map((s, i) => this.step(s, i, stepNodes[i]?.range?.[0] ?? this.valueAt(stepsEntry), mode));
    const ids = new Set<string>();
    for (const s of steps) {
      if (ids.has(s.id)) throw new Problem('CORRELATION_DUPLICATE', `two steps are called "${s.id}"`, this.valueAt(stepsEntry));
      ids.add(s.id);
    }
    const absent = steps.filter((s) => s.absent);
    if (absent.length > 0 && (mode !== 'sequence' || !(steps.at(-1)?.absent ?? false) || absent.length > 1 || steps.length < 2)) {
      throw new Problem('CORRELATION_INVALID', 'an absence (not: true) is the last step of a sequence of two or more ("A not followed by B within 10m")', this.valueAt(stepsEntry));
    }
    if (absent.length > 0 && steps.at(-1)?.withinMs === undefined) throw new Problem('CORRELATION_INVALID', 'an absence needs its own within: how long to wait for the input that does not come', this.valueAt(stepsEntry));
    let min = steps.length;
    if (this.entry('min') !== undefined) {
      if (mode !== 'any') throw new Problem('CORRELATION_INVALID', 'min belongs to any', this.at('min'));
      min = positiveInt(this.entry('min')?.value, 'min', this.valueAt(this.entry('min')));
      if (min > steps.length) throw new Problem('CORRELATION_INVALID', `min ${min} is more than the ${steps.length} steps`, this.valueAt(this.entry('min')));
    } else if (mode === 'any') {
      min = 1;
    }
    const byEntry = this.entry('by');
    if (byEntry === undefined) throw new Problem('CORRELATION_INVALID', 'by: names what the steps share (container, pod, aws-principal, …)', this.at(kind));
    const by = list(byEntry.value, 'by', this.valueAt(byEntry)).map((a) => this.attribute(a, undefined, this.valueAt(byEntry)));
    const withinMs = duration(this.entry('within')?.value, 'within', this.valueAt(this.entry('within')));
    const latenessMs = this.entry('lateness') === undefined ? DEFAULT_LATENESS_MS : duration(this.entry('lateness')?.value, 'lateness', this.valueAt(this.entry('lateness')), true);
    const where = this.entry('where') === undefined ? [] : list(this.entry('where')?.value, 'where', this.valueAt(this.entry('where'))).map((w) => this.binding(w, steps, this.valueAt(this.entry('where'))));
    let until: Matcher | undefined;
    if (this.entry('until') !== undefined) until = this.matcherOf(this.entry('until')?.value, this.valueAt(this.entry('until')));
    const summaryKey = kind === 'threat' ? 'summary' : 'explanation';
    const otherKey = kind === 'threat' ? 'explanation' : 'summary';
    if (this.entry(otherKey) !== undefined) throw new Problem('CORRELATION_INVALID', `${kind}s take ${summaryKey}, not ${otherKey}`, this.at(otherKey));
    const summary = this.entry(summaryKey)?.value;
    if (summary !== undefined && typeof summary !== 'string') throw new Problem('CORRELATION_INVALID', `${summaryKey} must be a text`, this.valueAt(this.entry(summaryKey)));
    const enabled = this.entry('enabled')?.value ?? true;
    if (typeof enabled !== 'boolean') throw new Problem('CORRELATION_INVALID', 'enabled must be true or false', this.valueAt(this.entry('enabled')));
    const description = this.entry('description')?.value ?? '';
    return {
      kind,
      name: name.trim(),
      description: typeof description === 'string' ? description : '',
      index,
      techniques,
      tactics: tacticsOf(techniques, tacticsGiven),
      severity: severity as Severity,
      ...(kind === 'attack' ? { intent: intent as string } : {}),
      ...(summary === undefined ? {} : { summary }),
      by,
      withinMs,
      latenessMs,
      mode,
      min,
      steps,
      where,
      ...(until === undefined ? {} : { until }),
      enabled,
      position: this.#file.position(this.at(kind)),
    };
  }

  step(raw: unknown, index: number, offset: number, mode: PatternMode): Step {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Problem('CORRELATION_INVALID', 'a step is a mapping with signal, threat or event', offset);
    const s = raw as Record<string, unknown>;
    for (const k of Object.keys(s)) if (!STEP_KEYS.has(k)) throw new Problem('CORRELATION_UNKNOWN_KEY', `unknown step key "${k}" (known: ${[...STEP_KEYS].join(', ')})`, offset);
    const matcher = this.matcherOf(s, offset);
    const id = s['as'] ?? `step${index + 1}`;
    if (typeof id !== 'string' || !/^[A-Za-z_][\w-]*$/.test(id)) throw new Problem('CORRELATION_INVALID', 'as: must be a name (letters, digits, _ and -)', offset);
    const count = s['count'] === undefined ? 1 : positiveInt(s['count'], 'count', offset);
    const source = matcher.kind === 'event' || matcher.kind === 'signal' ? matcher.source : undefined;
    const agg = (key: 'distinct' | 'sum'): Aggregate | undefined => {
      const v = s[key];
      if (v === undefined) return undefined;
      const o = v as Record<string, unknown>;
      if (v === null || typeof v !== 'object' || typeof o['of'] !== 'string' || typeof o['min'] !== 'number' || o['min'] <= 0) {
        throw new Problem('CORRELATION_INVALID', `${key} is {of: what to ${key === 'sum' ? 'add up' : 'count'}, min: a positive number}`, offset);
      }
      return { of: this.attribute(o['of'], source, offset), min: o['min'] };
    };
    const distinct = agg('distinct');
    const sum = agg('sum');
    if (sum !== undefined && sum.of.kind !== 'field') throw new Problem('CORRELATION_INVALID', 'sum adds up a numeric field of the events (such as s3.bytes.out)', offset);
    const withinMs = s['within'] === undefined ? undefined : duration(s['within'], 'within', offset);
    if (withinMs !== undefined && mode !== 'sequence') throw new Problem('CORRELATION_INVALID', 'a step of its own within belongs to a sequence', offset);
    const by = s['by'] === undefined ? undefined : list(s['by'], 'by', offset).map((a) => this.attribute(a, source, offset));
    const absent = s['not'] === true;
    if (s['not'] !== undefined && typeof s['not'] !== 'boolean') throw new Problem('CORRELATION_INVALID', 'not must be true or false', offset);
    return {
      id,
      index,
      matcher,
      count,
      ...(distinct === undefined ? {} : { distinct }),
      ...(sum === undefined ? {} : { sum }),
      ...(withinMs === undefined ? {} : { withinMs }),
      ...(by === undefined ? {} : { by }),
      absent,
      position: this.#file.position(offset),
    };
  }

  matcherOf(raw: unknown, offset: number): Matcher {
    const s = (raw ?? {}) as Record<string, unknown>;
    const kinds = (['signal', 'threat', 'event'] as const).filter((k) => s[k] !== undefined);
    if (kinds.length !== 1) throw new Problem('CORRELATION_INVALID', 'give exactly one input: signal, threat or event', offset);
    const kind = kinds[0] as 'signal' | 'threat' | 'event';
    const spec = s[kind];
    if (kind === 'event') {
      const e = spec as Record<string, unknown>;
      if (spec === null || typeof spec !== 'object' || typeof e['source'] !== 'string' || typeof e['condition'] !== 'string') {
        throw new Problem('CORRELATION_INVALID', 'event is {source: syscall|k8s_audit|aws_cloudtrail, condition: a Falco condition}', offset);
      }
      const source = this.#ctx.sources.find((x) => x.name === e['source']);
      if (source === undefined) throw new Problem('CORRELATION_INVALID', `unknown event source "${String(e['source'])}" (known: ${this.#ctx.sources.map((x) => x.name).join(', ')})`, offset);
      const condition = e['condition'] as string;
      try {
        const predicate = compile(parse(condition), createFieldTable(source.fields));
        return { kind: 'event', source: source.name, condition, predicate };
      } catch (err) {
        if (err instanceof ConditionSyntaxError || err instanceof ConditionCompileError) throw new Problem('CORRELATION_INVALID', `condition: ${err.message}`, offset);
        throw err;
      }
    }
    if (kind === 'signal' && Array.isArray(spec)) {
      if (spec.length === 0) throw new Problem('CORRELATION_INVALID', 'signal: a list holds one or more alternatives', offset);
      return signalMatcher(spec.map((alt) => this.signalCriteria(alt, offset)));
    }
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new Problem('CORRELATION_INVALID', `${kind} is a mapping of criteria`, offset);
    if (kind === 'signal') return signalMatcher([this.signalCriteria(spec, offset)]);
    const c = spec as Record<string, unknown>;
    for (const k of Object.keys(c)) if (!THREAT_KEYS.has(k)) throw new Problem('CORRELATION_UNKNOWN_KEY', `unknown threat criterion "${k}" (known: ${[...THREAT_KEYS].join(', ')})`, offset);
    if (Object.keys(c).length === 0) throw new Problem('CORRELATION_INVALID', 'threat needs at least one criterion', offset);
    const set = (k: string): ReadonlySet<string> | undefined => (c[k] === undefined ? undefined : new Set(list(c[k], k, offset)));
    const techniques = c['technique'] === undefined ? undefined : techniqueList(c['technique'], offset);
    const tactics = set('tactic');
    for (const t of tactics ?? []) if (tactic(t) === undefined) throw new Problem('CORRELATION_INVALID', `unknown ATT&CK tactic "${t}"`, offset);
    const sev = c['severity'];
    if (sev !== undefined && !isSeverity(sev)) throw new Problem('CORRELATION_INVALID', 'severity (the least a threat must have) is low, medium, high or critical', offset);
    return {
      kind: 'threat',
      ...(set('name') === undefined ? {} : { names: set('name') as ReadonlySet<string> }),
      ...(techniques === undefined ? {} : { techniques }),
      ...(tactics === undefined ? {} : { tactics }),
      ...(sev === undefined ? {} : { minSeverity: severityRank(sev) }),
    };
  }

  signalCriteria(spec: unknown, offset: number): SignalCriteria {
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new Problem('CORRELATION_INVALID', 'signal is a mapping of criteria, or a list of them (alternatives)', offset);
    const c = spec as Record<string, unknown>;
    for (const k of Object.keys(c)) if (!SIGNAL_KEYS.has(k)) throw new Problem('CORRELATION_UNKNOWN_KEY', `unknown signal criterion "${k}" (known: ${[...SIGNAL_KEYS].join(', ')})`, offset);
    if (Object.keys(c).length === 0) throw new Problem('CORRELATION_INVALID', 'signal needs at least one criterion', offset);
    const set = (k: string): ReadonlySet<string> | undefined => (c[k] === undefined ? undefined : new Set(list(c[k], k, offset)));
    const techniques = c['technique'] === undefined ? undefined : techniqueList(c['technique'], offset);
    return {
      ...(set('rule') === undefined ? {} : { rules: set('rule') as ReadonlySet<string> }),
      ...(set('tag') === undefined ? {} : { tags: set('tag') as ReadonlySet<string> }),
      ...(techniques === undefined ? {} : { techniques }),
      ...(set('source') === undefined ? {} : { sources: set('source') as ReadonlySet<string> }),
      ...(set('feature') === undefined ? {} : { features: set('feature') as ReadonlySet<string> }),
    };
  }

  attribute(text: unknown, source: string | undefined, offset: number): Attribute {
    if (typeof text !== 'string' || text === '') throw new Problem('CORRELATION_INVALID', 'an attribute is an entity type (container, aws-principal…), type.name, rule, value or a field', offset);
    if (text.includes('|')) {
      const alternatives = text.split('|').map((t) => this.attribute(t.trim(), source, offset));
      if (alternatives.some((a) => a.kind === 'first')) throw new Problem('CORRELATION_INVALID', `"${text}": alternatives do not nest`, offset);
      return { kind: 'first', alternatives, text };
    }
    if (text === 'rule') return { kind: 'rule', text };
    if (text === 'value') return { kind: 'value', text };
    const dot = text.lastIndexOf('.');
    const base = text.endsWith('.name') ? text.slice(0, dot) : text;
    if (isEntityType(base)) return { kind: 'entity', type: base, part: base === text ? 'id' : 'name', text };
    const spec = source === undefined ? undefined : this.#ctx.sources.find((x) => x.name === source);
    const field = spec === undefined ? undefined : createFieldTable(spec.fields).resolve(text);
    if (field !== undefined) {
      const { spec: f, arg } = field;
      return { kind: 'field', source: source as string, get: (e) => f.extract(e, arg), text };
    }
    throw new Problem(
      'CORRELATION_INVALID',
      source === undefined
        ? `"${text}" is not an entity type, rule or value (a field needs a step with one source)`
        : `"${text}" is neither an entity type nor a field of ${source}`,
      offset,
    );
  }

  binding(text: string, steps: readonly Step[], offset: number): Binding {
    const m = /^\s*([\w-]+)\.([\w.-]+)\s*(==|!=)\s*([\w-]+)\.([\w.-]+)\s*$/.exec(text);
    if (m === null) throw new Problem('CORRELATION_INVALID', `where: "${text}" is not "step.attribute == step.attribute"`, offset);
    const [, ls = '', la = '', op = '==', rs = '', ra = ''] = m;
    const side = (id: string, attr: string): { step: number; attr: Attribute } => {
      const step = steps.find((s) => s.id === id);
      if (step === undefined) throw new Problem('CORRELATION_REFERENCE', `where: no step is called "${id}" (name steps with as:)`, offset);
      const src = step.matcher.kind === 'event' || step.matcher.kind === 'signal' ? step.matcher.source : undefined;
      return { step: step.index, attr: this.attribute(attr, src, offset) };
    };
    const left = side(ls, la);
    const right = side(rs, ra);
    if (left.step === right.step) throw new Problem('CORRELATION_INVALID', 'where: a binding relates two different steps', offset);
    return { left, op: op as '==' | '!=', right, text: text.trim() };
  }
}

/** A signal matcher over alternatives; its source when every alternative names the same one. */
function signalMatcher(alternatives: readonly SignalCriteria[]): SignalMatcher {
  const sources = new Set(alternatives.map((a) => (a.sources?.size === 1 ? [...a.sources][0] : undefined)));
  const only = sources.size === 1 ? [...sources][0] : undefined;
  return { kind: 'signal', alternatives, ...(only === undefined ? {} : { source: only }) };
}

/** Threat rules whose inputs could be `to`'s output (by name, technique, tactic). */
function feeds(from: CorrelationRule, to: CorrelationRule): boolean {
  if (from.kind !== 'threat') return false;
  const matchers = [...to.steps.map((s) => s.matcher), ...(to.until === undefined ? [] : [to.until])];
  return matchers.some((m) => {
    if (m.kind !== 'threat') return false;
    if (m.names !== undefined && !m.names.has(from.name)) return false;
    if (m.techniques !== undefined && !m.techniques.some((t) => from.techniques.some((f) => f === t || f.startsWith(`${t}.`)))) return false;
    if (m.tactics !== undefined && !from.tactics.some((t) => m.tactics?.has(t))) return false;
    return true;
  });
}

/** Orders threat rules so every rule comes after those that feed it; reports circles. */
function order(rules: CorrelationRule[], report: (r: CorrelationRule, code: RuleErrorCode, message: string) => void): CorrelationRule[] {
  const threats = rules.filter((r) => r.kind === 'threat');
  const out: CorrelationRule[] = [];
  const state = new Map<CorrelationRule, 'visiting' | 'done'>();
  const cyclic = new Set<CorrelationRule>();
  const visit = (r: CorrelationRule, path: CorrelationRule[]): void => {
    const s = state.get(r);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = path.slice(path.indexOf(r));
      for (const c of cycle) cyclic.add(c);
      report(r, 'CORRELATION_CYCLE', `threat rules feed each other in a circle: ${[...cycle, r].map((c) => `"${c.name}"`).join(' → ')}`);
      return;
    }
    state.set(r, 'visiting');
    for (const from of threats) if (feeds(from, r)) visit(from, [...path, r]);
    state.set(r, 'done');
    out.push(r);
  };
  for (const r of threats) visit(r, []);
  return [...out.filter((r) => !cyclic.has(r)), ...rules.filter((r) => r.kind === 'attack')];
}

/** Loads correlation files against the event sources' fields (for event steps and field attributes). */
export function loadCorrelation(files: readonly RuleFile[], sources: readonly RuleSourceSpec<VigilEvent>[]): CorrelationSet {
  const diagnostics: Diagnostic[] = [];
  const rules: CorrelationRule[] = [];
  const names = new Map<string, CorrelationRule>();
  const fileOf = new Map<CorrelationRule, SourceFile>();
  let index = 0;
  for (const f of files) {
    const file = new SourceFile(f.name, f.text);
    const read = readItems(file);
    diagnostics.push(...read.diagnostics);
    for (const item of read.items) {
      const kindKey = item.entries.has('threat') ? 'threat' : item.entries.has('attack') ? 'attack' : undefined;
      const nameValue = kindKey === undefined ? undefined : item.entries.get(kindKey)?.value;
      try {
        if (kindKey === undefined) throw new Problem('CORRELATION_INVALID', `a correlation file holds threat and attack items, not ${[...item.entries.keys()][0] ?? 'empty items'}`, item.offset);
        const rule = new ItemReader(file, item, { sources }).rule(index++);
        if (names.has(rule.name)) throw new Problem('CORRELATION_DUPLICATE', `another correlation rule is called "${rule.name}" (${names.get(rule.name)?.position.file ?? ''}:${names.get(rule.name)?.position.line ?? 0})`, item.entries.get(kindKey)?.keyOffset ?? item.offset);
        names.set(rule.name, rule);
        fileOf.set(rule, file);
        rules.push(rule);
      } catch (err) {
        if (!(err instanceof Problem)) throw err;
        const p = file.position(err.offset);
        diagnostics.push({
          severity: 'error',
          code: err.code,
          message: err.message,
          file: p.file,
          line: p.line,
          col: p.col,
          excerpt: caret(file, p.line, p.col, 1),
          ...(kindKey === undefined ? {} : { itemType: kindKey, itemName: typeof nameValue === 'string' ? nameValue : '' }),
        });
      }
    }
  }
  const report = (r: CorrelationRule, code: RuleErrorCode, message: string): void => {
    const file = fileOf.get(r);
    diagnostics.push({ severity: 'error', code, message, file: r.position.file, line: r.position.line, col: r.position.col, itemType: r.kind, itemName: r.name, ...(file === undefined ? {} : { excerpt: caret(file, r.position.line, r.position.col, 1) }) });
  };
  for (const r of rules) {
    for (const m of [...r.steps.map((s) => s.matcher), ...(r.until === undefined ? [] : [r.until])]) {
      if (m.kind !== 'threat' || m.names === undefined) continue;
      for (const n of m.names) {
        const target = names.get(n);
        if (target === undefined) report(r, 'CORRELATION_REFERENCE', `no threat rule is called "${n}"`);
        else if (target.kind !== 'threat') report(r, 'CORRELATION_REFERENCE', `"${n}" is an attack; steps take threats`);
      }
    }
  }
  return { rules: order(rules, report), diagnostics };
}
