/**
 * Field tables that replay recorded values, for measuring the rule engine apart from field
 * extraction: a recording pass runs the real extractors and keeps, per event, every value the
 * rules asked for; the replaying tables then answer from those records. Evaluation asks for the
 * same fields in the same order each time, so every read is found; a read that is not (a field
 * the recording pass never needed) falls back to the real extractor.
 */
import type { FieldSpec, FieldValue } from '../lang/fields.js';
import type { RuleSourceSpec } from '../rules/load.js';

/** Values recorded for one event, by field-and-argument column (ABSENT: recorded as missing). */
type Row = unknown[];

const ABSENT = Symbol('absent');

export interface FieldReplay<E> {
  /** The sources with recording field tables: evaluate once over the events with these. */
  readonly recording: readonly RuleSourceSpec<E>[];
  /** The sources with replaying field tables. */
  readonly replaying: readonly RuleSourceSpec<E>[];
}

export function createFieldReplay<E extends object>(sources: readonly RuleSourceSpec<E>[]): FieldReplay<E> {
  // Each event's row rides on the event (bench events only), under a key of this replay: a
  // map from events to rows would add a lookup per event to what is measured.
  const ROW = Symbol('recorded fields');
  const rowOf = (event: E, create: boolean): Row | undefined => {
    const holder = event as E & { [ROW]?: Row };
    let row = holder[ROW];
    if (row === undefined && create) {
      row = [];
      Object.defineProperty(event, ROW, { value: row });
    }
    return row;
  };
  let columns = 0;

  const columnMaps = new Map<FieldSpec<E>, Map<string, number>>();
  const columnsOf = (spec: FieldSpec<E>): Map<string, number> => {
    let m = columnMaps.get(spec);
    if (m === undefined) {
      m = new Map();
      columnMaps.set(spec, m);
    }
    return m;
  };
  const wrap = (spec: FieldSpec<E>, record: boolean): FieldSpec<E> => {
    // One column per argument the rules give this field (columns are shared by both tables).
    const byArg = columnsOf(spec);
    let plain: number | undefined;
    const column = (arg: string | undefined): number => {
      if (arg === undefined && plain !== undefined) return plain;
      const key = arg ?? '';
      let c = byArg.get(key);
      if (c === undefined) {
        c = columns++;
        byArg.set(key, c);
      }
      if (arg === undefined) plain = c;
      return c;
    };
    const extract = record
      ? (event: E, arg: string | undefined): FieldValue | undefined => {
          const v = spec.extract(event, arg);
          (rowOf(event, true) as Row)[column(arg)] = v === undefined ? ABSENT : v;
          return v;
        }
      : (event: E, arg: string | undefined): FieldValue | undefined => {
          const v = rowOf(event, false)?.[column(arg)];
          if (v === undefined) return spec.extract(event, arg);
          return v === ABSENT ? undefined : (v as FieldValue);
        };
    return { ...spec, extract };
  };
  const tables = (record: boolean): RuleSourceSpec<E>[] => sources.map((s) => ({ ...s, fields: s.fields.map((f) => wrap(f, record)) }));
  return { recording: tables(true), replaying: tables(false) };
}
