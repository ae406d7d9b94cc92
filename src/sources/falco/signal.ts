/**
 * A Falco alert is already a detection: it becomes a signal as it is, without running rules.
 * The signal id derives from the event id, so the same alert (in Falco's or sidekick's form)
 * always gives the same signal id.
 */
import type { VigilEvent } from '../../core/event.js';
import { arr, isObject, str } from '../../core/json.js';
import { parsePriority, techniquesFromTags, type Signal } from '../../core/signal.js';

const SIGNAL_PREFIX = 'sig-';

/** The signal of a decoded Falco alert event; undefined for any other event. */
export function alertToSignal(event: VigilEvent): Signal | undefined {
  const alert = event.payload;
  if (event.source !== 'falco' || event.kind !== 'alert' || !isObject(alert)) return undefined;
  const rule = str(alert, 'rule');
  const priorityRaw = str(alert, 'priority');
  const priority = priorityRaw === undefined ? undefined : parsePriority(priorityRaw);
  if (rule === undefined || priority === undefined) return undefined;
  const tags = arr(alert, 'tags').filter((t): t is string => typeof t === 'string');
  const output = str(alert, 'output');
  const signal: Signal = {
    id: `${SIGNAL_PREFIX}${event.id}`,
    rule,
    source: str(alert, 'source') ?? 'syscall',
    priority,
    time: event.time,
    timeMs: event.timeMs,
    tags,
    entities: event.entities,
    techniques: techniquesFromTags(tags),
    input: event.origin,
    eventId: event.id,
    evidence: alert,
  };
  return output === undefined ? signal : { ...signal, output };
}
