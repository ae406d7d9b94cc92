import assert from 'node:assert/strict';
import type { Entity } from '../../src/core/entity.js';
import type { VigilEvent } from '../../src/core/event.js';
import { systemClock } from '../../src/core/time.js';
import { createRecordDecoder, type Decoded } from '../../src/pipeline/record-decoder.js';
import { builtinDecoders } from '../../src/sources/index.js';

/** The events of JSON lines in any built-in format (records that are not events are left out). */
export function decodeLines(lines: readonly string[]): VigilEvent[] {
  const decoder = createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock: systemClock });
  const out: Decoded[] = [];
  lines.forEach((l, i) => decoder.decodeText(l, { path: 'workload', line: i + 1 }, out));
  return out.flatMap((d) => (d.type === 'event' ? [d.event] : []));
}

/** The event's entity keys, sorted: `type:id`. */
export function entityKeys(e: VigilEvent): string[] {
  return e.entities.map((x) => `${x.type}:${x.id}`).sort();
}

/** The event's relations as `from kind to` lines, sorted. */
export function relationLines(e: VigilEvent): string[] {
  return e.relations.map((r) => `${r.from} ${r.kind} ${r.to}`).sort();
}

/** The entity of that type and id; fails the test, listing what there is, when absent. */
export function findEntity(e: VigilEvent, type: string, id: string): Entity {
  const found = e.entities.find((x) => x.type === type && x.id === id);
  assert.ok(found, `no ${type}:${id} in ${entityKeys(e).join(', ')}`);
  return found;
}
