/**
 * Reads a rules file into items with their positions. A rules file is one or more YAML
 * documents, each a sequence of mappings; the `yaml` library parses it with node ranges, and
 * this module keeps, for every key of every item, where the key and its value are, so later
 * stages can point at the exact line and column (also inside a condition string).
 */
import { isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import type { Diagnostic, Position } from './diagnostics.js';

/** One file's text and the means to turn offsets into lines and columns. */
export class SourceFile {
  readonly name: string;
  readonly text: string;
  readonly #lineStarts: number[];

  constructor(name: string, text: string) {
    this.name = name;
    this.text = text;
    this.#lineStarts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.#lineStarts.push(i + 1);
  }

  position(offset: number): Position {
    const starts = this.#lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.name, line: lo + 1, col: offset - (starts[lo] as number) + 1 };
  }

  /** The text of the 1-based line. */
  line(n: number): string {
    const start = this.#lineStarts[n - 1] ?? this.text.length;
    const end = this.#lineStarts[n] ?? this.text.length + 1;
    return this.text.slice(start, end - 1).replace(/\r$/, '');
  }
}

/** A key of an item: where the key is, the value node and its plain JS value. */
export interface Entry {
  readonly key: string;
  readonly keyOffset: number;
  readonly node: Node | null;
  readonly value: unknown;
}

/** One top-level item (`- rule: ...`) with its entries in file order. */
export interface YamlItem {
  readonly offset: number;
  readonly entries: ReadonlyMap<string, Entry>;
}

export interface ReadResult {
  readonly items: YamlItem[];
  readonly diagnostics: Diagnostic[];
}

function problem(file: SourceFile, offset: number, code: Diagnostic['code'], message: string): Diagnostic {
  const p = file.position(offset);
  return { severity: 'error', code, message, file: p.file, line: p.line, col: p.col, excerpt: caret(file, p.line, p.col, 1) };
}

/** The file line with `^` under columns col..col+width-1. */
export function caret(file: SourceFile, line: number, col: number, width: number): string {
  const text = file.line(line);
  const w = Math.max(1, Math.min(width, text.length - col + 1));
  return `${text}\n${' '.repeat(Math.max(0, col - 1))}${'^'.repeat(w)}`;
}

/** Parses every document of the file; YAML errors and non-item shapes become diagnostics. */
export function readItems(file: SourceFile): ReadResult {
  const diagnostics: Diagnostic[] = [];
  const items: YamlItem[] = [];
  const docs = parseAllDocuments(file.text, { prettyErrors: false, uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) diagnostics.push(problem(file, e.pos[0], 'YAML_SYNTAX', e.message.split('\n')[0] ?? e.message));
      continue;
    }
    const root = doc.contents;
    if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) continue;
    if (!isSeq(root)) {
      diagnostics.push(problem(file, root.range?.[0] ?? 0, 'ITEM_INVALID', 'Rules content is not yaml array of objects'));
      continue;
    }
    for (const el of root.items) {
      const node = el as Node | null;
      if (!isMap(node)) {
        diagnostics.push(problem(file, node?.range?.[0] ?? root.range?.[0] ?? 0, 'ITEM_INVALID', 'Unexpected element type. Each element should be a yaml associative array.'));
        continue;
      }
      const entries = new Map<string, Entry>();
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const valueNode = (pair.value ?? null) as Node | null;
        entries.set(key, { key, keyOffset: keyNode?.range?.[0] ?? node.range?.[0] ?? 0, node: valueNode, value: valueNode === null ? null : valueNode.toJS(doc) });
      }
      items.push({ offset: node.range?.[0] ?? 0, entries });
    }
  }
  return { items, diagnostics };
}

/**
 * The file offset of character `index` of a scalar's value. Block (`|`, `>`) and quoted scalars
 * differ from their value by indentation, folding and escapes; walking both texts side by side
 * and skipping what the value does not have finds the spot (exact for plain text, on the right
 * line otherwise).
 */
export function scalarOffset(file: SourceFile, node: Node | null, value: string, index: number): number {
  const range = node?.range;
  if (range === undefined || range === null) return 0;
  let j = range[0];
  const end = range[1];
  const first = file.text[j];
  if (first === '|' || first === '>') {
    const nl = file.text.indexOf('\n', j);
    j = nl < 0 ? end : nl + 1;
  } else if (first === '"' || first === "'") j++;
  for (let i = 0; i < index && i < value.length; i++) {
    const c = value[i];
    let k = j;
    while (k < end && file.text[k] !== c) k++;
    // A character the raw text lacks here (a folded newline, an escape): stay put.
    if (k < end) j = k + 1;
  }
  while (j < end && /\s/.test(file.text[j] ?? '') && /\S/.test(value[index] ?? '')) j++;
  return Math.min(j, Math.max(range[0], end - 1));
}
