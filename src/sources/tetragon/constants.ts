/**
 * The event types of Tetragon's JSON export (the single event key of `GetEventsResponse`), plus
 * the Isovalent Enterprise network types found in real exports. Kept as data so detection,
 * decoding and the process tree agree on one list.
 */

/** Event types whose body carries `process` / `parent` / `ancestors` objects. */
export const PROCESS_EVENT_TYPES: ReadonlySet<string> = new Set([
  'process_exec',
  'process_exit',
  'process_kprobe',
  'process_tracepoint',
  'process_lsm',
  'process_uprobe',
  'process_usdt',
  'process_loader',
  // Isovalent Enterprise (not in open-source Tetragon, present in the O'Reilly walk-through)
  'process_connect',
  'process_close',
  'process_listen',
]);

/** Event types with no process: agent-level notices. */
export const AGENT_EVENT_TYPES: ReadonlySet<string> = new Set(['process_throttle', 'rate_limit_info']);

/**
 * The `test` event of the API: too generic a key to recognise alone, so detection only accepts
 * it beside `node_name` or `time`; decoding skips it (it is Tetragon's own self-test).
 */
export const TEST_EVENT_TYPE = 'test';

/** Prefix shared by every process-level event type, known or future. */
export const PROCESS_PREFIX = 'process_';

/** Bounds that keep one hostile record from costing much: ancestors and args beyond are ignored. */
export const MAX_ANCESTORS = 32;
export const MAX_ARGS = 32;
export const MAX_CMDLINE = 1024;
export const MAX_TARGET = 256;
