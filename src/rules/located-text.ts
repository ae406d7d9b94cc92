/**
 * Condition and output text that remembers where each character came from. A rule's condition
 * is assembled (appends join texts from several items, exceptions add generated text, lists are
 * substituted as text) before it is parsed, so a parse error's offset says nothing by itself;
 * this maps it back to the file, line and column the user wrote.
 */
import type { Node } from 'yaml';
import type { Position } from './diagnostics.js';
import { caret, scalarOffset, type SourceFile } from './yaml-items.js';

/** A run of the assembled text taken from one YAML scalar (or generated for one node). */
interface Piece {
  readonly file: SourceFile;
  readonly node: Node | null;
  readonly value: string;
  /** Where the piece starts in the assembled text. */
  readonly start: number;
  /** Generated text (exceptions): point at the node, not into it. */
  readonly generated: boolean;
}

export class LocatedText {
  readonly text: string;
  readonly #pieces: readonly Piece[];
  /** For substituted text: the index in the original assembly of each character; else identity. */
  readonly #map: Int32Array | undefined;

  private constructor(text: string, pieces: readonly Piece[], map?: Int32Array) {
    this.text = text;
    this.#pieces = pieces;
    this.#map = map;
  }

  /** The value of a scalar node as written in `file`. */
  static of(file: SourceFile, node: Node | null, value: string, generated = false): LocatedText {
    return new LocatedText(value, [{ file, node, value, start: 0, generated }]);
  }

  /** `this + sep + other`, as append does (`previous + " " + new`). Both must be unsubstituted. */
  concat(sep: string, other: LocatedText): LocatedText {
    const base = this.text.length + sep.length;
    return new LocatedText(this.text + sep + other.text, [...this.#pieces, ...other.#pieces.map((p) => ({ ...p, start: p.start + base }))]);
  }

  /** This text with [start, end) replaced by `by`; the new characters map to `start`. */
  splice(start: number, end: number, by: string): LocatedText {
    const old = this.#map;
    const n = this.text.length - (end - start) + by.length;
    const map = new Int32Array(n + 1);
    const at = (i: number): number => (old === undefined ? i : (old[i] as number));
    for (let i = 0; i < start; i++) map[i] = at(i);
    for (let i = 0; i < by.length; i++) map[start + i] = at(Math.min(start, this.text.length));
    for (let i = end; i <= this.text.length; i++) map[i - end + start + by.length] = at(i);
    return new LocatedText(this.text.slice(0, start) + by + this.text.slice(end), this.#pieces, map);
  }

  /** Where character `index` of the text was written. */
  position(index: number): { readonly pos: Position; readonly file: SourceFile } {
    const base = this.#map === undefined ? index : (this.#map[Math.min(index, this.#map.length - 1)] as number);
    let piece = this.#pieces[0] as Piece;
    for (const p of this.#pieces) if (p.start <= base) piece = p;
    const offset = piece.generated ? (piece.node?.range?.[0] ?? 0) : scalarOffset(piece.file, piece.node, piece.value, base - piece.start);
    return { pos: piece.file.position(offset), file: piece.file };
  }

  /** Position and caret excerpt for a span of the text. */
  locate(index: number, length: number): { readonly pos: Position; readonly excerpt: string } {
    const { pos, file } = this.position(index);
    return { pos, excerpt: caret(file, pos.line, pos.col, length) };
  }
}
