/**
 * What the loader collects from rule files before compiling: lists, macros and rules with their
 * final contents after every append and override, each remembering where it was written.
 */
import type { Node } from 'yaml';
import type { Priority } from '../core/signal.js';
import type { ExceptionSpec } from './exceptions.js';
import type { LocatedText } from './located-text.js';
import type { SourceFile } from './yaml-items.js';

/** Where an item was defined: its file and the offset of the item. */
export interface ItemPlace {
  readonly file: SourceFile;
  readonly offset: number;
}

export interface ListDef {
  readonly name: string;
  items: string[];
  readonly place: ItemPlace;
  /** Definition order; lists substitute in this order. */
  readonly index: number;
}

export interface MacroDef {
  readonly name: string;
  condition: LocatedText;
  place: ItemPlace;
  readonly index: number;
  /**
   * The position of its last definition or append: its condition sees only the macros defined
   * before that (Falco's visibility), so a macro cannot use one defined after it.
   */
  visibility: number;
}

export interface ExceptionDef extends ExceptionSpec {
  readonly node: Node | null;
  readonly file: SourceFile;
}

export interface RuleDef {
  readonly name: string;
  source: string;
  desc: string;
  condition: LocatedText;
  output: LocatedText;
  priority: Priority;
  tags: Set<string>;
  enabled: boolean;
  exceptions: ExceptionDef[];
  warnEvttypes: boolean;
  skipIfUnknownFilter: boolean;
  capture: boolean;
  captureDuration: number | undefined;
  place: ItemPlace;
  /** Definition order, kept across plain redefinitions (Falco keeps the first position). */
  readonly index: number;
}
