/**
 * The fields Falco gives every plugin event whatever its source (`evt.time`, `evt.source`,
 * `evt.plugininfo`…), read from Vigil's envelope. `evt.num`, Falco's event number counting from
 * 1, is the record's line in its input (never 0, so the rules' `never_true`, `evt.num = 0`,
 * stays false, as it is in Falco for every real event).
 */
import type { VigilEvent } from '../core/event.js';
import type { FieldSpec } from '../lang/index.js';

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `HH:MM:SS.nnnnnnnnn`, Falco's `%evt.time` (UTC here: Vigil prints times in UTC). */
function clockTime(e: VigilEvent): string {
  const d = new Date(Math.floor(e.timeMs));
  const frac = e.time.match(/\.(\d+)/)?.[1] ?? '';
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${frac.padEnd(9, '0').slice(0, 9)}`;
}

function nanos(e: VigilEvent): number {
  return Math.round(e.timeMs * 1e6);
}

/** Plugin-event fields for `source`, skipping any the source's own table already declares. */
export function pluginEventFields(source: string, pluginName: string, declared: readonly FieldSpec<VigilEvent>[]): FieldSpec<VigilEvent>[] {
  const fields: FieldSpec<VigilEvent>[] = [
    { name: 'evt.num', type: 'number', extract: (e) => e.origin.line },
    { name: 'evt.time', type: 'string', extract: clockTime },
    { name: 'evt.time.s', type: 'string', extract: (e) => clockTime(e).slice(0, 8) },
    { name: 'evt.time.iso8601', type: 'string', extract: (e) => e.time },
    { name: 'evt.datetime', type: 'string', extract: (e) => e.time.slice(0, 19).replace('T', ' ') },
    { name: 'evt.rawtime', type: 'number', extract: nanos },
    { name: 'evt.rawtime.s', type: 'number', extract: (e) => Math.floor(e.timeMs / 1000) },
    { name: 'evt.rawtime.ns', type: 'number', extract: (e) => nanos(e) % 1e9 },
    { name: 'evt.source', type: 'string', extract: () => source },
    { name: 'evt.pluginname', type: 'string', extract: () => pluginName },
    { name: 'evt.plugininfo', type: 'string', extract: (e) => e.action },
    { name: 'evt.is_async', type: 'bool', extract: () => false },
    { name: 'evt.type', type: 'string', extract: () => 'pluginevent' },
  ];
  const taken = new Set(declared.map((f) => f.name));
  return fields.filter((f) => !taken.has(f.name));
}
