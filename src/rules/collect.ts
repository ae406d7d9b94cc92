/**
 * Applies the items of rule files, in order, to the collected lists, macros and rules: plain
 * definitions, redefinitions (which keep the first position), `append: true` and `override`
 * (append/replace per key), enable-only items, version requirements. Every problem is recorded
 * and the item skipped; loading goes on, so one run reports everything wrong in a file.
 */
import type { Node } from 'yaml';
import { parsePriority } from '../core/signal.js';
import type { Diagnostic, RuleErrorCode } from './diagnostics.js';
import { ENGINE_VERSION, compareVersions, parseVersion, pluginSatisfies, PROVIDED_PLUGINS, type Semver } from './engine-version.js';
import { isScalarFieldComp, isSupportedComp, normalizeComp, scalarText } from './exceptions.js';
import { LocatedText } from './located-text.js';
import type { ExceptionDef, ItemPlace, ListDef, MacroDef, RuleDef } from './model.js';
import { caret, type Entry, type SourceFile, type YamlItem } from './yaml-items.js';

const LIST_KEYS = new Set(['list', 'items', 'append', 'override']);
const MACRO_KEYS = new Set(['macro', 'condition', 'append', 'override']);
const RULE_KEYS = new Set(['rule', 'desc', 'condition', 'output', 'priority', 'source', 'enabled', 'tags', 'exceptions', 'capture', 'capture_duration', 'warn_evttypes', 'skip-if-unknown-filter', 'append', 'override']);
const RULE_APPENDABLE = new Set(['condition', 'output', 'desc', 'tags', 'exceptions']);
const RULE_REPLACEABLE = new Set(['condition', 'output', 'desc', 'priority', 'capture', 'capture_duration', 'tags', 'exceptions', 'enabled', 'warn_evttypes', 'skip-if-unknown-filter']);
const LIST_NAME = /^[^()"'\s=,]+$/;
const MACRO_NAME = /^[a-zA-Z]+[a-zA-Z0-9_]*$/;

const WARNING_APPEND = "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.";

/** Validates an exception field reference for a rule source: undefined when fine, else the message. */
export type FieldCheck = (source: string, field: string) => string | undefined;

export interface CollectOptions {
  /** Sources whose rules are compiled; rules of any other source are skipped with a warning. */
  readonly knownSources: ReadonlySet<string>;
  readonly checkField: FieldCheck;
}

/** Everything collected from the files, in definition order. */
export class Collection {
  readonly lists = new Map<string, ListDef>();
  readonly macros = new Map<string, MacroDef>();
  readonly rules = new Map<string, RuleDef>();
  readonly diagnostics: Diagnostic[] = [];
  /** Rules of sources Vigil does not read: kept so appends to them are not errors. */
  readonly skippedRules = new Set<string>();
  requiredEngine: Semver | undefined;
  #counter = 0;
  readonly #options: CollectOptions;

  constructor(options: CollectOptions) {
    this.#options = options;
  }

  #next(): number {
    return this.#counter++;
  }

  /** Applies every item of one file. */
  apply(file: SourceFile, items: readonly YamlItem[]): void {
    for (const item of items) new ItemContext(this, file, item, this.#options).apply(() => this.#next());
  }
}

type ItemType = 'rule' | 'macro' | 'list' | 'exception' | 'required_engine_version' | 'required_plugin_versions' | 'item';

/** Thrown to abandon one item after recording why. */
class Abandon extends Error {}

class ItemContext {
  readonly #c: Collection;
  readonly #file: SourceFile;
  readonly #item: YamlItem;
  readonly #options: CollectOptions;
  #type: ItemType = 'item';
  #name = '';

  constructor(c: Collection, file: SourceFile, item: YamlItem, options: CollectOptions) {
    this.#c = c;
    this.#file = file;
    this.#item = item;
    this.#options = options;
  }

  apply(next: () => number): void {
    const e = this.#item.entries;
    try {
      if (e.has('required_engine_version')) this.#engineVersion();
      else if (e.has('required_plugin_versions')) this.#pluginVersions();
      else if (e.has('list')) this.#list(next);
      else if (e.has('macro')) this.#macro(next);
      else if (e.has('rule')) this.#rule(next);
      else this.#report('warning', 'ITEM_UNKNOWN', `Unknown top level item (keys: ${[...e.keys()].join(', ')})`, this.#item.offset);
    } catch (err) {
      if (!(err instanceof Abandon)) throw err;
    }
  }

  // ---- reporting

  #report(severity: Diagnostic['severity'], code: RuleErrorCode, message: string, offset: number, itemType: ItemType = this.#type, itemName = this.#name): void {
    const p = this.#file.position(offset);
    this.#c.diagnostics.push({ severity, code, message, file: p.file, line: p.line, col: p.col, itemType, itemName, excerpt: caret(this.#file, p.line, p.col, 1) });
  }

  #fail(code: RuleErrorCode, message: string, offset = this.#item.offset, itemType: ItemType = this.#type, itemName = this.#name): never {
    this.#report('error', code, message, offset, itemType, itemName);
    throw new Abandon();
  }

  #entry(key: string): Entry | undefined {
    return this.#item.entries.get(key);
  }

  #valueOffset(en: Entry): number {
    return en.node?.range?.[0] ?? en.keyOffset;
  }

  #required(key: string): Entry {
    const en = this.#entry(key);
    if (en === undefined) this.#fail('ITEM_INVALID', `Item has no mapping for key '${key}'`);
    return en;
  }

  #string(key: string, required: true): string;
  #string(key: string, required: false): string | undefined;
  #string(key: string, required: boolean): string | undefined {
    const en = required ? this.#required(key) : this.#entry(key);
    if (en === undefined) return undefined;
    if (typeof en.value === 'string') return en.value;
    if (typeof en.value === 'number' || typeof en.value === 'boolean') return String(en.value);
    if (en.value === null && !required) return undefined;
    this.#fail('ITEM_INVALID', `Value of '${key}' must be a string`, this.#valueOffset(en));
  }

  /** The item's name: a non-empty scalar. */
  #name_(key: string): string {
    const en = this.#required(key);
    if (en.value === null || en.value === '') this.#fail('ITEM_INVALID', `Mapping for key '${key}' is empty`);
    if (typeof en.value === 'object') this.#fail('ITEM_INVALID', `Value of '${key}' must be a name (a string)`, this.#valueOffset(en));
    return scalarText(en.value);
  }

  #bool(key: string): boolean | undefined {
    const en = this.#entry(key);
    if (en === undefined) return undefined;
    if (typeof en.value === 'boolean') return en.value;
    this.#fail('ITEM_INVALID', `Value of '${key}' must be a boolean (true or false)`, this.#valueOffset(en));
  }

  #text(key: string): LocatedText | undefined {
    const en = this.#entry(key);
    if (en === undefined) return undefined;
    const s = this.#string(key, false) ?? '';
    return LocatedText.of(this.#file, en.node, s);
  }

  #unknownKeys(allowed: ReadonlySet<string>): void {
    for (const [key, en] of this.#item.entries) {
      if (!allowed.has(key)) this.#report('warning', 'ITEM_UNKNOWN_KEY', `Unknown key '${key}'. The key will be ignored.`, en.keyOffset);
    }
  }

  #place(): ItemPlace {
    return { file: this.#file, offset: this.#item.offset };
  }

  /** `override:` as a map of key → append|replace; undefined when absent. */
  #override(allowedKeys: ReadonlySet<string>, appendable: ReadonlySet<string>, replaceable: ReadonlySet<string>): Map<string, 'append' | 'replace'> | undefined {
    const en = this.#entry('override');
    if (en === undefined) return undefined;
    const v = en.value;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.#fail('OVERRIDE_INVALID', "Value of 'override' must be a map of keys to 'append' or 'replace'", this.#valueOffset(en));
    const out = new Map<string, 'append' | 'replace'>();
    for (const [key, op] of Object.entries(v as Record<string, unknown>)) {
      if (op !== 'append' && op !== 'replace') this.#fail('OVERRIDE_INVALID', `Value of 'override.${key}' must be 'append' or 'replace'`, this.#valueOffset(en));
      if (!allowedKeys.has(key)) this.#fail('OVERRIDE_INVALID', `Key '${key}' cannot be overridden`, this.#valueOffset(en));
      if (op === 'append' && !appendable.has(key)) this.#fail('OVERRIDE_INVALID', `Key '${key}' cannot be appended to, use 'replace' instead`, this.#valueOffset(en));
      if (op === 'replace' && !replaceable.has(key)) this.#fail('OVERRIDE_INVALID', `Key '${key}' cannot be replaced`, this.#valueOffset(en));
      if (!this.#item.entries.has(key)) {
        this.#fail('OVERRIDE_INVALID', op === 'append' ? `An append override for '${key}' was specified but '${key}' is not defined` : `A replace override for '${key}' was specified but '${key}' is not defined`, this.#valueOffset(en));
      }
      out.set(key, op);
    }
    const nameKey = this.#type;
    for (const [key, e2] of this.#item.entries) {
      if (key === nameKey || key === 'override' || key === 'source' || key === 'append' || out.has(key)) continue;
      if (!allowedKeys.has(key)) continue;
      this.#fail('OVERRIDE_INVALID', `Unexpected key '${key}': no corresponding entry under 'override' is defined.`, e2.keyOffset);
    }
    return out;
  }

  /** `append: true`, with the deprecation warning, and never together with `override`. */
  #appendFlag(): boolean {
    const append = this.#bool('append') === true;
    if (append) {
      this.#report('warning', 'DEPRECATED', WARNING_APPEND, this.#entry('append')?.keyOffset ?? this.#item.offset);
      if (this.#item.entries.has('override')) {
        this.#fail('OVERRIDE_INVALID', "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.", this.#entry('override')?.keyOffset ?? this.#item.offset);
      }
    }
    return append;
  }

  // ---- versions

  #engineVersion(): void {
    this.#type = 'required_engine_version';
    const en = this.#required('required_engine_version');
    const v = parseVersion(en.value);
    if (v === undefined) this.#fail('ENGINE_VERSION', `Unable to parse engine version '${scalarText(en.value)}'. Expected "x.y.z" semver format.`, this.#valueOffset(en));
    const ours = parseVersion(ENGINE_VERSION) as Semver;
    if (compareVersions(v, ours) > 0) this.#fail('ENGINE_VERSION', `Rules require engine version ${scalarText(en.value)}, but engine version is ${ENGINE_VERSION}`, this.#valueOffset(en));
    const c = this.#c;
    if (c.requiredEngine === undefined || compareVersions(v, c.requiredEngine) > 0) c.requiredEngine = v;
  }

  #pluginVersions(): void {
    this.#type = 'required_plugin_versions';
    const en = this.#required('required_plugin_versions');
    if (!Array.isArray(en.value)) this.#fail('PLUGIN_VERSION', 'Value of required_plugin_versions must be a sequence', this.#valueOffset(en));
    for (const req of en.value as unknown[]) {
      const alternatives = this.#pluginRequirement(req, en);
      const satisfied = alternatives.some(([name, need]) => {
        const have = PROVIDED_PLUGINS.get(name);
        return have !== undefined && pluginSatisfies(parseVersion(have) as Semver, need);
      });
      if (satisfied) continue;
      const names = alternatives.map(([n, v]) => `${n} ${v.major}.${v.minor}.${v.patch}`).join(' or ');
      const provided = alternatives.find(([n]) => PROVIDED_PLUGINS.has(n));
      if (provided !== undefined) this.#fail('PLUGIN_VERSION', `Plugin '${provided[0]}' version ${PROVIDED_PLUGINS.get(provided[0]) ?? ''} is not compatible with the required ${names}`, this.#valueOffset(en));
      // A plugin Vigil does not implement: its rules name a source Vigil does not read, and are
      // skipped with a warning each, as Falco skips rules of sources no plugin provides.
      this.#report('warning', 'PLUGIN_VERSION', `Plugin ${names} is not provided by Vigil; rules that need it are skipped`, this.#valueOffset(en));
    }
  }

  #pluginRequirement(req: unknown, en: Entry): [string, Semver][] {
    const at = this.#valueOffset(en);
    if (req === null || typeof req !== 'object' || Array.isArray(req)) this.#fail('PLUGIN_VERSION', 'Each required plugin must be a map with name and version', at);
    const r = req as Record<string, unknown>;
    const one = (x: Record<string, unknown>): [string, Semver] => {
      const name = x['name'];
      if (typeof name !== 'string' || name === '') this.#fail('PLUGIN_VERSION', "Item has no mapping for key 'name'", at);
      const v = parseVersion(typeof x['version'] === 'string' ? x['version'] : undefined);
      if (v === undefined) this.#fail('PLUGIN_VERSION', `Plugin '${name}' version '${scalarText(x['version'])}' is not valid semver`, at);
      return [name, v];
    };
    const out = [one(r)];
    const alts = r['alternatives'];
    if (alts !== undefined) {
      if (!Array.isArray(alts)) this.#fail('PLUGIN_VERSION', 'alternatives must be a sequence', at);
      for (const a of alts as unknown[]) {
        if (a === null || typeof a !== 'object') this.#fail('PLUGIN_VERSION', 'Each alternative must be a map with name and version', at);
        const alt = one(a as Record<string, unknown>);
        if (out.some(([n]) => n === alt[0])) this.#fail('PLUGIN_VERSION', `Multiple alternatives for plugin '${alt[0]}'`, at);
        out.push(alt);
      }
    }
    return out;
  }

  // ---- lists

  #list(next: () => number): void {
    this.#type = 'list';
    this.#name = this.#name_('list');
    const name = this.#name;
    this.#unknownKeys(LIST_KEYS);
    if (!LIST_NAME.test(name)) this.#report('warning', 'NAME_INVALID', `List has an invalid name. List names should match a regular expression: ${LIST_NAME.source}`, this.#item.offset);
    const append = this.#appendFlag();
    const override = this.#override(new Set(['items']), new Set(['items']), new Set(['items']));
    const en = this.#required('items');
    if (!Array.isArray(en.value)) this.#fail('ITEM_INVALID', "Value of 'items' must be a sequence", this.#valueOffset(en));
    const items: string[] = [];
    for (const x of en.value as unknown[]) {
      if (x !== null && typeof x === 'object') this.#fail('ITEM_INVALID', 'List items must be scalars (strings or numbers)', this.#valueOffset(en));
      items.push(scalarText(x));
    }
    const prev = this.#c.lists.get(name);
    if (append || override?.get('items') === 'append') {
      if (prev === undefined) this.#fail('NO_PREVIOUS', "List uses 'append' or 'override.items: append' but no list by that name already exists");
      prev.items = [...prev.items, ...items];
      return;
    }
    if (prev !== undefined) prev.items = items;
    else this.#c.lists.set(name, { name, items, place: this.#place(), index: next() });
  }

  // ---- macros

  #macro(next: () => number): void {
    this.#type = 'macro';
    this.#name = this.#name_('macro');
    const name = this.#name;
    this.#unknownKeys(MACRO_KEYS);
    if (!MACRO_NAME.test(name)) this.#report('warning', 'NAME_INVALID', `Macro has an invalid name. Macro names should match a regular expression: ${MACRO_NAME.source}`, this.#item.offset);
    const append = this.#appendFlag();
    const override = this.#override(new Set(['condition']), new Set(['condition']), new Set(['condition']));
    this.#string('condition', true);
    const condition = this.#text('condition') as LocatedText;
    const prev = this.#c.macros.get(name);
    if (append || override?.get('condition') === 'append') {
      if (prev === undefined) this.#fail('NO_PREVIOUS', "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists");
      prev.condition = prev.condition.concat(' ', condition);
      prev.visibility = next();
      return;
    }
    if (prev !== undefined) {
      prev.condition = condition;
      prev.place = this.#place();
      prev.visibility = next();
    } else {
      const index = next();
      this.#c.macros.set(name, { name, condition, place: this.#place(), index, visibility: index });
    }
  }

  // ---- rules

  #rule(next: () => number): void {
    this.#type = 'rule';
    this.#name = this.#name_('rule');
    const name = this.#name;
    this.#unknownKeys(RULE_KEYS);
    const append = this.#appendFlag();
    const override = this.#override(RULE_KEYS, RULE_APPENDABLE, RULE_REPLACEABLE);
    const sourceText = this.#string('source', false);
    const source = sourceText === undefined || sourceText === '' ? undefined : sourceText;
    const prev = this.#c.rules.get(name);
    if (prev !== undefined && source !== undefined && source !== prev.source) this.#fail('SOURCE_CONFLICT', 'Rule has been re-defined with a different source', this.#entry('source')?.keyOffset);

    if (append || override !== undefined) {
      this.#ruleUpdate(prev, append, override ?? new Map());
      return;
    }
    const e = this.#item.entries;
    if (!e.has('condition') && !e.has('output') && !e.has('desc') && !e.has('priority')) {
      const enabled = this.#bool('enabled');
      if (enabled === undefined) this.#fail('ITEM_INVALID', "Item has no mapping for key 'condition'");
      if (prev === undefined) this.#fail('NO_PREVIOUS', "Rule has 'enabled' key but no rule by that name already exists");
      this.#report('warning', 'DEPRECATED', "The standalone 'enabled' key usage is deprecated. The correct approach requires also a 'replace' entry under the 'override' key (i.e. 'enabled: replace').", this.#item.offset);
      prev.enabled = enabled;
      return;
    }
    this.#ruleDefinition(prev, source ?? prev?.source ?? 'syscall', next);
  }

  #priority(): RuleDef['priority'] {
    const en = this.#required('priority');
    const p = typeof en.value === 'string' ? parsePriority(en.value.trim()) : undefined;
    if (p === undefined) this.#fail('PRIORITY_INVALID', `Invalid priority '${scalarText(en.value)}': expected one of emergency, alert, critical, error, warning, notice, informational (info), debug`, this.#valueOffset(en));
    return p;
  }

  #tags(): Set<string> {
    const en = this.#entry('tags');
    if (en === undefined || en.value === null) return new Set();
    if (!Array.isArray(en.value) || !(en.value as unknown[]).every((t) => typeof t === 'string' || typeof t === 'number')) {
      this.#fail('ITEM_INVALID', "Value of 'tags' must be a sequence of strings", this.#valueOffset(en));
    }
    return new Set((en.value as unknown[]).map(scalarText));
  }

  #captureDuration(): number | undefined {
    const en = this.#entry('capture_duration');
    if (en === undefined) return undefined;
    if (typeof en.value !== 'number' || !Number.isInteger(en.value) || en.value < 0) this.#fail('ITEM_INVALID', "Value of 'capture_duration' must be a non-negative integer", this.#valueOffset(en));
    return en.value;
  }

  #ruleDefinition(prev: RuleDef | undefined, source: string, next: () => number): void {
    const condition = (this.#string('condition', true), this.#text('condition') as LocatedText);
    this.#string('output', true);
    const output = this.#text('output') as LocatedText;
    const desc = this.#string('desc', true);
    const priority = this.#priority();
    const exceptions = this.#exceptions(source, undefined, 'define');
    const def: RuleDef = {
      name: this.#name,
      source,
      desc,
      condition,
      output,
      priority,
      tags: this.#tags(),
      enabled: this.#bool('enabled') ?? true,
      exceptions,
      warnEvttypes: this.#bool('warn_evttypes') ?? true,
      skipIfUnknownFilter: this.#bool('skip-if-unknown-filter') ?? false,
      capture: this.#captureBool(),
      captureDuration: this.#captureDuration(),
      place: this.#place(),
      index: prev?.index ?? next(),
    };
    if (!this.#options.knownSources.has(source)) {
      this.#report('warning', 'SOURCE_UNKNOWN', `Unknown source ${source}, skipping`, this.#entry('source')?.keyOffset ?? this.#item.offset);
      this.#c.skippedRules.add(def.name);
    } else this.#c.skippedRules.delete(def.name);
    this.#c.rules.set(def.name, def);
  }

  #captureBool(): boolean {
    const en = this.#entry('capture');
    if (en === undefined) return false;
    // Falco accepts any YAML scalar here and reads it as a boolean; so do we, with a warning.
    if (typeof en.value === 'boolean') return en.value;
    this.#report('warning', 'ITEM_INVALID', "Value of 'capture' should be a boolean (true or false); treated as false", this.#valueOffset(en));
    return false;
  }

  #ruleUpdate(prev: RuleDef | undefined, append: boolean, override: ReadonlyMap<string, 'append' | 'replace'>): void {
    const appends = (key: string): boolean => (append ? key === 'condition' || key === 'exceptions' : override.get(key) === 'append');
    const replaces = (key: string): boolean => !append && override.get(key) === 'replace';
    if (prev === undefined) {
      const anyAppend = append || [...override.values()].includes('append');
      this.#fail('NO_PREVIOUS', anyAppend ? "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists" : "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists");
    }
    if (append && !this.#item.entries.has('condition') && !this.#item.entries.has('exceptions')) {
      this.#fail('ITEM_INVALID', 'Appended rule must have exceptions or condition property');
    }
    const source = prev.source;
    // Validate everything first so a bad item changes nothing.
    const condition = appends('condition') || replaces('condition') ? this.#text('condition') : undefined;
    const output = appends('output') || replaces('output') ? this.#text('output') : undefined;
    const desc = appends('desc') || replaces('desc') ? this.#string('desc', false) : undefined;
    const priority = replaces('priority') ? this.#priority() : undefined;
    const tags = appends('tags') || replaces('tags') ? this.#tags() : undefined;
    const exceptions = appends('exceptions') ? this.#exceptions(source, prev.exceptions, 'append') : replaces('exceptions') ? this.#exceptions(source, undefined, 'define') : undefined;
    const enabled = replaces('enabled') ? this.#bool('enabled') : undefined;
    const warnEvttypes = replaces('warn_evttypes') ? this.#bool('warn_evttypes') : undefined;
    const skip = replaces('skip-if-unknown-filter') ? this.#bool('skip-if-unknown-filter') : undefined;
    const capture = replaces('capture') ? this.#captureBool() : undefined;
    const captureDuration = replaces('capture_duration') ? this.#captureDuration() : undefined;

    if (condition !== undefined) prev.condition = appends('condition') ? prev.condition.concat(' ', condition) : condition;
    if (output !== undefined) prev.output = appends('output') ? prev.output.concat(' ', output) : output;
    if (desc !== undefined) prev.desc = appends('desc') ? `${prev.desc} ${desc}` : desc;
    if (priority !== undefined) prev.priority = priority;
    if (tags !== undefined) prev.tags = appends('tags') ? new Set([...prev.tags, ...tags]) : tags;
    if (exceptions !== undefined) prev.exceptions = exceptions;
    if (enabled !== undefined) prev.enabled = enabled;
    if (warnEvttypes !== undefined) prev.warnEvttypes = warnEvttypes;
    if (skip !== undefined) prev.skipIfUnknownFilter = skip;
    if (capture !== undefined) prev.capture = capture;
    if (replaces('capture_duration')) prev.captureDuration = captureDuration;
  }

  // ---- exceptions

  /**
   * The rule's exceptions after this item: `define` takes the item's list (each fully
   * specified); `append` extends `existing` (new names must be complete, known names only add
   * values).
   */
  #exceptions(source: string, existing: readonly ExceptionDef[] | undefined, mode: 'define' | 'append'): ExceptionDef[] {
    const en = this.#entry('exceptions');
    const out = existing === undefined ? [] : existing.map((x) => ({ ...x }));
    if (en === undefined || en.value === null) return out;
    if (!Array.isArray(en.value)) this.#fail('EXCEPTION_INVALID', "Value of 'exceptions' must be a sequence", this.#valueOffset(en));
    const nodes = (en.node as { items?: unknown[] } | null)?.items ?? [];
    const seen = new Set<string>();
    (en.value as unknown[]).forEach((raw, i) => {
      const node = (nodes[i] ?? en.node) as Node | null;
      const at = node?.range?.[0] ?? this.#valueOffset(en);
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) this.#fail('EXCEPTION_INVALID', 'Each exception must be a map with name, fields, comps and values', at, 'exception', '');
      const ex = raw as Record<string, unknown>;
      const name = ex['name'];
      if (typeof name !== 'string' || name === '') this.#fail('EXCEPTION_INVALID', "Item has no mapping for key 'name'", at, 'exception', '');
      for (const k of Object.keys(ex)) {
        if (!['name', 'fields', 'comps', 'values'].includes(k)) this.#report('warning', 'ITEM_UNKNOWN_KEY', `Unknown key '${k}'. The key will be ignored.`, at, 'exception', name);
      }
      if (seen.has(name)) this.#report('warning', 'EXCEPTION_INVALID', `Multiple definitions of exception '${name}' in the same rule`, at, 'exception', name);
      seen.add(name);
      const values = ex['values'];
      if (values !== undefined && values !== null && !Array.isArray(values)) this.#fail('EXCEPTION_INVALID', 'Rule exception values must be a sequence', at, 'exception', name);
      const vals = Array.isArray(values) ? (values as unknown[]) : [];
      const known = out.findIndex((x) => x.name === name);
      if (mode === 'append' && known >= 0) {
        if (ex['fields'] !== undefined || ex['comps'] !== undefined) this.#fail('EXCEPTION_INVALID', `Can not append exception fields or comps to existing exception, only values`, at, 'exception', name);
        if (vals.length === 0) this.#report('warning', 'EXCEPTION_INVALID', 'Overriding/appending exception with no values', at, 'exception', name);
        const prev = out[known] as ExceptionDef;
        const merged: ExceptionDef = { ...prev, values: [...prev.values, ...vals] };
        this.#checkValues(merged, at);
        out[known] = merged;
        return;
      }
      if (ex['fields'] === undefined) {
        this.#fail('EXCEPTION_INVALID', mode === 'append' ? 'Rule exception must have fields property with a list of fields' : "Item has no mapping for key 'fields'", at, 'exception', name);
      }
      if (mode === 'append' && vals.length === 0) this.#report('warning', 'EXCEPTION_INVALID', 'Overriding/appending exception with no values', at, 'exception', name);
      const def = this.#exceptionDef(name, ex, vals, node, at, source);
      out.push(def);
    });
    return out;
  }

  #exceptionDef(name: string, ex: Record<string, unknown>, values: unknown[], node: Node | null, at: number, source: string): ExceptionDef {
    const rawFields = ex['fields'];
    const rawComps = ex['comps'];
    let fields: string | string[];
    let comps: string | string[];
    if (Array.isArray(rawFields)) {
      fields = (rawFields as unknown[]).map(scalarText);
      if (rawComps === undefined || rawComps === null) comps = fields.map(() => '=');
      else if (Array.isArray(rawComps)) comps = (rawComps as unknown[]).map((c) => normalizeComp(scalarText(c)));
      else this.#fail('EXCEPTION_INVALID', 'Rule exception comps must be a list when fields is a list', at, 'exception', name);
      if (comps.length !== fields.length) this.#fail('EXCEPTION_INVALID', 'Fields and comps lists must have equal length', at, 'exception', name);
      for (const c of comps) if (!isSupportedComp(c)) this.#fail('EXCEPTION_INVALID', `'${c}' is not a supported comparison operator`, at, 'exception', name);
    } else if (typeof rawFields === 'string') {
      fields = rawFields;
      comps = rawComps === undefined || rawComps === null ? 'in' : normalizeComp(scalarText(rawComps));
      if (!isScalarFieldComp(comps)) this.#fail('EXCEPTION_INVALID', `comps must be one of in, pmatch, intersects or '<op> oneof|anyof|allof' when fields is a single field, not '${comps}'`, at, 'exception', name);
    } else this.#fail('EXCEPTION_INVALID', 'Rule exception fields must be a field name or a list of field names', at, 'exception', name);
    for (const f of typeof fields === 'string' ? [fields] : fields) {
      const problem = this.#options.knownSources.has(source) ? this.#options.checkField(source, f) : undefined;
      if (problem !== undefined) this.#fail('EXCEPTION_INVALID', problem, at, 'exception', name);
    }
    const def: ExceptionDef = { name, fields, comps, values, node, file: this.#file };
    this.#checkValues(def, at);
    return def;
  }

  #checkValues(def: ExceptionDef, at: number): void {
    if (typeof def.fields === 'string') {
      for (const v of def.values) {
        if (v !== null && typeof v === 'object') this.#fail('EXCEPTION_INVALID', 'Expected values array to contain a list of strings', at, 'exception', def.name);
      }
      return;
    }
    for (const tuple of def.values) {
      if (!Array.isArray(tuple) || tuple.length !== def.fields.length) this.#fail('EXCEPTION_INVALID', 'Fields and values lists must have equal length', at, 'exception', def.name);
    }
  }
}
