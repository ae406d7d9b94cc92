/**
 * Loads Falco rule files into a compiled rule set: collects the items of every file (collect.ts),
 * substitutes lists as text, parses macros and rule conditions, expands macros on the tree,
 * compiles each rule's condition and output against its source's fields, derives the event
 * types each syscall rule can match, and reports every problem with file, line and column.
 */
import { compile, compileConditionList, compileOperand, ConditionCompileError, ConditionSyntaxError, createFieldTable, FieldMemo, parse, SharedConditions, parseOperandAt, TRANSFORMERS, type Expr, type FieldResolver, type FieldSpec, type FieldValue, type Predicate, type Span, type ConditionListEvaluator } from '../lang/index.js';
import type { Priority } from '../core/signal.js';
import { Collection } from './collect.js';
import type { Diagnostic, Position, RuleErrorCode } from './diagnostics.js';
import { eventTypes, type TypeSet } from './evttypes.js';
import { exceptionCondition } from './exceptions.js';
import { quoteItem, substituteLists, type ListValue } from './lists.js';
import { LocatedText } from './located-text.js';
import { expandMacros, type MacroProblem, type ParsedMacro } from './macros.js';
import type { RuleDef } from './model.js';
import { compileOutput, OutputError, type CompiledOutput } from './output.js';
import { printCondition } from '../lang/index.js';
import { readItems, SourceFile } from './yaml-items.js';

/** A rule source (`syscall`, `k8s_audit`, `aws_cloudtrail`): its fields and, if any, the event type field rules are indexed by. */
export interface RuleSourceSpec<E> {
  readonly name: string;
  readonly fields: readonly FieldSpec<E>[];
  /** The event type field (`evt.type`): rules that do not constrain it are warned about. */
  readonly typeField?: string;
  /**
   * Scalar fields the engine indexes rules by (default: the type field). For each, the loader
   * derives the values a rule can match, and an event is tested only against the rules that
   * admit its values: `ka.target.resource` and `ka.verb` for audit events, `ct.name` for CloudTrail.
   */
  readonly indexFields?: readonly string[];
}

/**
 * A source's field by its exact name (`fd.sip` of `syscall`), for stages beside the rules that
 * read events through the same fields (threat intelligence, baselines).
 */
export function sourceField<E>(sources: readonly RuleSourceSpec<E>[], source: string, name: string): FieldSpec<E> | undefined {
  return sources.find((s) => s.name === source)?.fields.find((f) => f.name === name);
}

/** How the engine reads a source's index fields (through the rule set's field memo). */
export interface SourceIndex<E> {
  readonly fields: readonly string[];
  readonly getters: readonly ((event: E) => FieldValue | undefined)[];
}

export interface LoadOptions {
  /** Compile conditions to generated functions (default) or to nested closures (tests compare both). */
  readonly generate?: boolean;
}

export interface RuleFile {
  readonly name: string;
  readonly text: string;
}

export interface CompiledRule<E> {
  readonly name: string;
  readonly desc: string;
  readonly source: string;
  readonly priority: Priority;
  /** Sorted, as Falco prints them. */
  readonly tags: readonly string[];
  readonly enabled: boolean;
  /** Definition order across all files. */
  readonly index: number;
  readonly condition: Expr;
  readonly predicate: Predicate<E>;
  readonly output: CompiledOutput<E>;
  /** Event types the rule can match; undefined for sources without types. */
  readonly types: TypeSet | undefined;
  /** Per index field of the source (`SourceIndex.fields`), the values the rule can match. */
  readonly constraints: readonly TypeSet[];
  /**
   * False when the condition can never hold on this source's events (it needs fields the source
   * never supplies, such as a terminal on Tetragon events): the engine skips the rule.
   */
  readonly canMatch: boolean;
  readonly position: Position;
}

export interface RuleSet<E> {
  /** Every rule that compiled, enabled or not, in definition order. */
  readonly rules: readonly CompiledRule<E>[];
  readonly diagnostics: readonly Diagnostic[];
  readonly counts: { readonly files: number; readonly lists: number; readonly macros: number; readonly rules: number; readonly enabled: number };
  /** Rule conditions after lists, macros and exceptions, printed as libsinsp does (for `rules check` and tests). */
  readonly compiledConditions: ReadonlyMap<string, string>;
  /** Per source name, the fields its rules are indexed by. */
  readonly indexes: ReadonlyMap<string, SourceIndex<E>>;
  /**
   * One function testing `rules` (enabled rules of one source) in order: the position of the
   * first that fires, or with `all` every position into `hits`. Generated, unless the set was
   * loaded with `generate: false`; the engine makes one per candidate list.
   */
  evaluator(rules: readonly CompiledRule<E>[], all: boolean): ConditionListEvaluator<E>;
}

const RULE_MAX_DEPTH = 1000;
const TRANSFORMER_CALL = new RegExp(`^\\s*(?:${TRANSFORMERS.join('|')})\\s*\\(`);

interface Owner {
  readonly text: LocatedText;
  readonly itemType: 'rule' | 'macro';
  readonly name: string;
}

function walkSpans(e: Expr, visit: (s: Span) => void): void {
  visit(e.span);
  if (e.kind === 'and' || e.kind === 'or') for (const c of e.children) walkSpans(c, visit);
  else if (e.kind === 'not') walkSpans(e.child, visit);
  else if (e.kind === 'check') {
    visit(e.lhs.span);
    if (e.rhs !== undefined) visit(e.rhs.span);
    if (e.rhs?.kind === 'list') for (const item of e.rhs.items) visit(item.span);
  }
}

function checks(e: Expr, visit: (c: Extract<Expr, { kind: 'check' }>) => void): void {
  if (e.kind === 'and' || e.kind === 'or') for (const c of e.children) checks(c, visit);
  else if (e.kind === 'not') checks(e.child, visit);
  else if (e.kind === 'check') visit(e);
}

function usesField(e: Expr, name: string): boolean {
  let found = false;
  checks(e, (c) => {
    if (c.lhs.kind === 'field' && c.lhs.name === name) found = true;
  });
  return found;
}

/**
 * Problems found while compiling a rule belong to the rule (a macro may be fine for another
 * source); when the text at fault is a macro's, the message says which, and the position points
 * into the macro.
 */
function inMacro(message: string, owner: Owner | undefined): string {
  return owner?.itemType === 'macro' ? `${message} (in macro '${owner.name}')` : message;
}

/** The index fields of a source that it declares as scalar fields. */
function indexFieldsOf<E>(spec: RuleSourceSpec<E>): string[] {
  const wanted = spec.indexFields ?? (spec.typeField === undefined ? [] : [spec.typeField]);
  return wanted.filter((name) => {
    const f = spec.fields.find((x) => x.name === name);
    return f !== undefined && f.list !== true && f.anyWithoutArg !== true && f.arg !== 'required';
  });
}

class Loader<E> {
  readonly #sources: ReadonlyMap<string, { readonly spec: RuleSourceSpec<E>; readonly resolver: FieldResolver<E>; readonly memo: FieldMemo; readonly shared: SharedConditions; readonly indexFields: readonly string[] }>;
  readonly #diagnostics: Diagnostic[] = [];
  readonly #owners = new Map<Span, Owner>();
  readonly #loops = new Set<string>();

  readonly #generate: boolean;

  constructor(sources: readonly RuleSourceSpec<E>[], options: LoadOptions) {
    this.#generate = options.generate !== false;
    this.#sources = new Map(sources.map((s) => [s.name, { spec: s, resolver: createFieldTable(s.fields), memo: new FieldMemo(), shared: new SharedConditions(), indexFields: indexFieldsOf(s) }]));
  }

  #push(severity: Diagnostic['severity'], code: RuleErrorCode, message: string, at: { readonly pos: Position; readonly excerpt?: string }, itemType: string, itemName: string): void {
    this.#diagnostics.push({ severity, code, message, file: at.pos.file, line: at.pos.line, col: at.pos.col, itemType, itemName, ...(at.excerpt === undefined ? {} : { excerpt: at.excerpt }) });
  }

  load(files: readonly RuleFile[]): RuleSet<E> {
    const collection = new Collection({ knownSources: new Set(this.#sources.keys()), checkField: (source, field) => this.#checkField(source, field) });
    for (const f of files) {
      const file = new SourceFile(f.name, f.text);
      const read = readItems(file);
      this.#diagnostics.push(...read.diagnostics);
      collection.apply(file, read.items);
    }
    this.#diagnostics.push(...collection.diagnostics);

    const lists = this.#lists(collection);
    const usedLists = new Set<string>();
    const macros = this.#macros(collection, lists, usedLists);
    const usedMacros = new Set<string>();
    // Every macro is expanded on its own too, as Falco compiles each: undefined macros and loops
    // are errors even in a macro no rule uses. A macro counts as used when a macro or rule names it.
    const reported = new Set<Span>();
    for (const m of macros.values()) {
      if (m.expr === undefined) continue;
      const problems: MacroProblem[] = [];
      const seen = new Set<string>();
      expandMacros(m.expr, macros, seen, problems, m.visibility);
      for (const name of seen) if (name !== m.name || this.#selfReferences(m.expr, name)) usedMacros.add(name);
      this.#reportMacroProblems(problems, reported, undefined);
    }

    const rules: CompiledRule<E>[] = [];
    const compiledConditions = new Map<string, string>();
    const defs = [...collection.rules.values()].sort((a, b) => a.index - b.index);
    for (const def of defs) {
      const rule = this.#rule(def, lists, macros, usedLists, usedMacros, reported, collection.skippedRules.has(def.name), compiledConditions);
      if (rule !== undefined) rules.push(rule);
    }
    this.#regenerate(rules);
    for (const m of collection.macros.values()) {
      if (!usedMacros.has(m.name)) this.#push('warning', 'UNUSED', 'Macro not referred to by any other rule/macro', { pos: m.place.file.position(m.place.offset) }, 'macro', m.name);
    }
    for (const l of collection.lists.values()) {
      if (!usedLists.has(l.name)) this.#push('warning', 'UNUSED', 'List not referred to by any other rule/macro', { pos: l.place.file.position(l.place.offset) }, 'list', l.name);
    }
    return {
      rules,
      indexes: this.#indexes(),
      diagnostics: this.#diagnostics,
      counts: { files: files.length, lists: collection.lists.size, macros: collection.macros.size, rules: collection.rules.size, enabled: rules.filter((r) => r.enabled).length },
      compiledConditions,
      evaluator: (list, all) => this.#evaluator(list, all),
    };
  }

  #evaluator(rules: readonly CompiledRule<E>[], all: boolean): ConditionListEvaluator<E> {
    const source = rules.length === 0 ? undefined : this.#sources.get((rules[0] as CompiledRule<E>).source);
    if (this.#generate && source !== undefined && rules.every((r) => r.source === source.spec.name)) {
      return compileConditionList(rules.map((r) => r.condition), source.resolver, { memo: source.memo, shared: source.shared }, all);
    }
    const predicates = rules.map((r) => r.predicate);
    return (event, hits) => {
      for (let i = 0; i < predicates.length; i++) {
        if (!(predicates[i] as Predicate<E>)(event)) continue;
        if (!all) return i;
        hits.push(i);
      }
      return -1;
    };
  }

  /**
   * Generates the conditions of the enabled rules again, now that every rule has been counted:
   * a sub-condition is known to be shared only once the rules after its first user are seen.
   */
  #regenerate(rules: CompiledRule<E>[]): void {
    if (!this.#generate) return;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i] as CompiledRule<E>;
      const source = this.#sources.get(r.source);
      if (source === undefined || !r.enabled || !r.canMatch) continue;
      rules[i] = { ...r, predicate: compile(r.condition, source.resolver, { memo: source.memo, shared: source.shared, generate: true }) };
    }
  }

  /** The fields of `e` the source never supplies. */
  #neverFields(e: Expr, resolver: FieldResolver<E>): string[] {
    const out = new Set<string>();
    checks(e, (c) => {
      if (c.lhs.kind !== 'field') return;
      const f = resolver.resolve(c.lhs.name);
      // evt.num appears in every `never_true` placeholder; it is never the reason.
      if (f?.spec.never === true && f.spec.name !== 'evt.num') out.add(f.spec.name);
    });
    return [...out].sort();
  }

  #indexes(): Map<string, SourceIndex<E>> {
    const out = new Map<string, SourceIndex<E>>();
    for (const [name, s] of this.#sources) {
      const fields = s.indexFields;
      const getters = fields.map((f) => {
        const op = parseOperandAt(f, 0);
        if (op === undefined) throw new Error(`index field ${f} does not parse`);
        return compileOperand(op.operand, s.resolver, { memo: s.memo }).get;
      });
      out.set(name, { fields, getters });
    }
    return out;
  }

  #checkField(source: string, field: string): string | undefined {
    const s = this.#sources.get(source);
    if (s === undefined) return undefined;
    try {
      compile(parse(`${field} exists`), s.resolver);
      return undefined;
    } catch (err) {
      if (err instanceof ConditionSyntaxError || err instanceof ConditionCompileError) return `'${field}' is not a supported filter field`;
      throw err;
    }
  }

  /**
   * Final list values, in definition order. An item naming a list defined earlier stands for
   * that list's items as written (one level, as Falco expands them: a list of lists of lists
   * keeps the inner names).
   */
  #lists(c: Collection): ListValue[] {
    const earlier = new Map<string, readonly string[]>();
    const out: ListValue[] = [];
    for (const l of [...c.lists.values()].sort((a, b) => a.index - b.index)) {
      const items: string[] = [];
      for (const item of l.items) {
        const ref = earlier.get(item);
        if (ref !== undefined) items.push(...ref.map(quoteItem));
        else items.push(quoteItem(item));
      }
      earlier.set(l.name, l.items);
      out.push({ name: l.name, items });
    }
    return out;
  }

  #parse(text: LocatedText, itemType: 'rule' | 'macro', name: string): Expr | undefined {
    try {
      const expr = parse(text.text, { maxDepth: RULE_MAX_DEPTH });
      walkSpans(expr, (s) => this.#owners.set(s, { text, itemType, name }));
      return expr;
    } catch (err) {
      if (!(err instanceof ConditionSyntaxError)) throw err;
      this.#push('error', 'CONDITION_SYNTAX', `${err.message}`, text.locate(err.span.offset, err.span.length), itemType, name);
      return undefined;
    }
  }

  #macros(c: Collection, lists: readonly ListValue[], usedLists: Set<string>): Map<string, ParsedMacro> {
    const out = new Map<string, ParsedMacro>();
    for (const m of [...c.macros.values()].sort((a, b) => a.index - b.index)) {
      const text = substituteLists(m.condition, lists, usedLists);
      out.set(m.name, { name: m.name, expr: this.#parse(text, 'macro', m.name), index: m.index, visibility: m.visibility });
    }
    return out;
  }

  /** Where a span of an expanded condition was written: in the rule or in one of its macros. */
  #locate(span: Span, fallback: LocatedText): { readonly at: { readonly pos: Position; readonly excerpt: string }; readonly owner?: Owner } {
    const owner = this.#owners.get(span);
    if (owner === undefined) return { at: fallback.locate(0, 1) };
    return { at: owner.text.locate(span.offset, span.length), owner };
  }

  #conditionText(def: RuleDef): LocatedText {
    const parts = def.exceptions.map((ex) => ({ ex, text: exceptionCondition(ex) })).filter((p) => p.text !== '');
    if (parts.length === 0) return def.condition;
    let text = LocatedText.of(def.place.file, null, '(', true).concat('', def.condition).concat('', LocatedText.of(def.place.file, null, ')', true));
    for (const p of parts) text = text.concat(' ', LocatedText.of(p.ex.file, p.ex.node, `and not ${p.text}`, true));
    return text;
  }

  /** Reports each problem once (a macro's loop shows up in every rule that uses it). */
  #reportMacroProblems(problems: readonly MacroProblem[], reported: Set<Span>, rule: { readonly text: LocatedText; readonly name: string } | undefined): void {
    for (const p of problems) {
      if (reported.has(p.span) || (p.loop !== undefined && this.#loops.has(p.loop))) continue;
      reported.add(p.span);
      if (p.loop !== undefined) this.#loops.add(p.loop);
      const owner = this.#owners.get(p.span);
      const at = owner !== undefined ? owner.text.locate(p.span.offset, p.span.length) : rule?.text.locate(p.span.offset, p.span.length);
      if (at === undefined) continue;
      this.#push('error', p.code, p.message, at, owner?.itemType ?? 'rule', owner?.name ?? rule?.name ?? '');
    }
  }

  /** Whether macro `name`'s own condition refers to itself (directly), which counts as a use. */
  #selfReferences(e: Expr, name: string): boolean {
    if (e.kind === 'macro') return e.name === name;
    if (e.kind === 'and' || e.kind === 'or') return e.children.some((c) => this.#selfReferences(c, name));
    if (e.kind === 'not') return this.#selfReferences(e.child, name);
    return false;
  }

  #rule(def: RuleDef, lists: readonly ListValue[], macros: ReadonlyMap<string, ParsedMacro>, usedLists: Set<string>, usedMacros: Set<string>, reported: Set<Span>, skipped: boolean, compiled: Map<string, string>): CompiledRule<E> | undefined {
    const text = substituteLists(this.#conditionText(def), lists, usedLists);
    const parsed = this.#parse(text, 'rule', def.name);
    if (parsed === undefined) return undefined;
    const problems: MacroProblem[] = [];
    const expr = expandMacros(parsed, macros, usedMacros, problems);
    this.#reportMacroProblems(problems, reported, { text, name: def.name });
    const source = this.#sources.get(def.source);
    if (expr === undefined || skipped || source === undefined) return undefined;
    compiled.set(def.name, printCondition(expr));

    let predicate: Predicate<E>;
    if (def.enabled) source.shared.count(expr);
    try {
      predicate = compile(expr, source.resolver, { memo: source.memo, shared: source.shared, generate: this.#generate });
    } catch (err) {
      if (!(err instanceof ConditionCompileError)) throw err;
      if (def.skipIfUnknownFilter && err.message.startsWith('unknown field')) {
        const { at } = this.#locate(err.span, text);
        this.#push('warning', 'CONDITION_COMPILE', `${err.message}; rule skipped (skip-if-unknown-filter)`, at, 'rule', def.name);
        return undefined;
      }
      const { at, owner } = this.#locate(err.span, text);
      this.#push('error', 'CONDITION_COMPILE', inMacro(err.message, owner), at, 'rule', def.name);
      return undefined;
    }
    const outputText = def.output.text.trim();
    let output: CompiledOutput<E>;
    try {
      output = compileOutput(outputText, source.resolver, source.memo);
    } catch (err) {
      if (!(err instanceof OutputError)) throw err;
      if (def.skipIfUnknownFilter) return undefined;
      const lead = def.output.text.length - def.output.text.trimStart().length;
      this.#push('error', 'OUTPUT_INVALID', err.message, def.output.locate(err.offset + lead, err.length), 'rule', def.name);
      return undefined;
    }
    this.#warnings(def, expr, text, output, source.resolver);
    if (source.spec.typeField !== undefined && !this.#knownTypes(def, expr, text, source.spec.typeField, lists)) return undefined;
    const typeField = source.spec.typeField;
    const types = typeField === undefined ? undefined : eventTypes(expr, typeField);
    const canMatch = source.shared.constantOf(predicate) !== false;
    if (!canMatch && def.enabled) {
      const never = this.#neverFields(expr, source.resolver);
      this.#push('warning', 'NEVER_MATCHES', `Rule can never fire on ${source.spec.name} events here: it needs ${never.join(', ')}, which the source does not supply`, { pos: def.place.file.position(def.place.offset) }, 'rule', def.name);
    }
    if (types?.all === true && def.warnEvttypes) {
      this.#push('warning', 'EVTTYPE_BROAD', 'Rule matches too many evt.type values. This has a significant performance penalty.', { pos: def.place.file.position(def.place.offset) }, 'rule', def.name);
    }
    return {
      name: def.name,
      desc: def.desc,
      source: def.source,
      priority: def.priority,
      tags: [...def.tags].sort(),
      enabled: def.enabled,
      index: def.index,
      condition: expr,
      predicate,
      output,
      types,
      constraints: source.indexFields.map((f) => (f === typeField && types !== undefined ? types : eventTypes(expr, f))),
      canMatch,
      position: def.place.file.position(def.place.offset),
    };
  }

  /**
   * An event type that is the name of a list was left unexpanded: a list names another list
   * defined after it (or they name each other), so the condition tests a type no event has.
   * Falco rejects it as an unknown event type; so does Vigil, saying why.
   */
  #knownTypes(def: RuleDef, expr: Expr, text: LocatedText, typeField: string, lists: readonly ListValue[]): boolean {
    const names = new Set(lists.map((l) => l.name));
    let ok = true;
    checks(expr, (c) => {
      if (c.lhs.kind !== 'field' || c.lhs.name !== typeField || c.rhs === undefined) return;
      const values = c.rhs.kind === 'literal' ? [c.rhs] : c.rhs.kind === 'list' ? c.rhs.items : [];
      for (const v of values) {
        if (v.kind !== 'literal' || !names.has(v.value)) continue;
        const { at, owner } = this.#locate(v.span, text);
        // What the user wrote there: a list whose items lead to the unexpanded one.
        const written = /^[^\s(),=]+/.exec((at.excerpt.split('\n')[0] ?? '').slice(at.pos.col - 1))?.[0];
        const message =
          written !== undefined && written !== v.value && names.has(written)
            ? `unknown event type ${written}: list '${written}' expands to '${v.value}', a list left unexpanded because it is defined after the list that names it (or the lists name each other)`
            : `unknown event type ${v.value}: '${v.value}' is a list that another list names before it is defined (or the lists name each other), so it was not expanded`;
        this.#push('error', 'CONDITION_COMPILE', inMacro(message, owner), at, 'rule', def.name);
        ok = false;
      }
    });
    return ok;
  }

  #warnings(def: RuleDef, expr: Expr, text: LocatedText, output: CompiledOutput<E>, resolver: FieldResolver<E>): void {
    const where = { pos: def.place.file.position(def.place.offset) };
    if (usesField(expr, 'evt.dir')) this.#push('warning', 'DEPRECATED', "usage of deprecated field 'evt.dir' has been detected in the rule condition", where, 'rule', def.name);
    if (output.fields.some((f) => f === 'evt.dir')) this.#push('warning', 'DEPRECATED', "usage of deprecated field 'evt.dir' has been detected in the rule output", where, 'rule', def.name);
    checks(expr, (c) => {
      const r = c.rhs;
      if (r?.kind !== 'literal') return;
      const v = r.value.trim();
      const { at, owner } = this.#locate(r.span, text);
      if (TRANSFORMER_CALL.test(v)) {
        this.#push('warning', 'FIELD_AS_VALUE', inMacro(`'${r.value}' may be a valid field transformer misused as a const string value`, owner), at, 'rule', def.name);
        return;
      }
      const op = parseOperandAt(v, 0);
      if (op !== undefined && op.end === v.length && op.operand.kind === 'field' && resolver.resolve(op.operand.name) !== undefined) {
        this.#push('warning', 'FIELD_AS_VALUE', inMacro(`'${r.value}' may be a valid field misused as a const string value`, owner), at, 'rule', def.name);
      }
    });
  }
}

/** Loads, checks and compiles rule files against the given sources. Never throws on bad rules. */
export function loadRules<E>(files: readonly RuleFile[], sources: readonly RuleSourceSpec<E>[], options: LoadOptions = {}): RuleSet<E> {
  return new Loader(sources, options).load(files);
}
