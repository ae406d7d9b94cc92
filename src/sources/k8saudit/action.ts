import type { AuditView } from './fields.js';

/** Longest exec command kept in an action label; the full URI stays in the payload. */
const MAX_COMMAND = 256;
/** Query parameters scanned for `command=`; an exec URI has a handful. */
const MAX_PARAMS = 64;
const PLUS = /\+/g;

/** The part of a request URI before its query string. */
export function uriPath(uri: string): string {
  const q = uri.indexOf('?');
  return q < 0 ? uri : uri.slice(0, q);
}

function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(PLUS, ' '));
  } catch {
    return raw;
  }
}

/**
 * The command of a `pods/exec` request: Kubernetes clients send argv as repeated `command=`
 * query parameters (`?command=sh&command=-c&command=id`), joined here with spaces. Undefined
 * when the URI has none.
 */
export function execCommand(uri: string | undefined): string | undefined {
  if (uri === undefined) return undefined;
  const q = uri.indexOf('?');
  if (q < 0) return undefined;
  const args: string[] = [];
  let length = 0;
  const params = uri.slice(q + 1).split('&', MAX_PARAMS);
  for (const p of params) {
    if (!p.startsWith('command=')) continue;
    const arg = decodeParam(p.slice(8));
    args.push(arg);
    length += arg.length + 1;
    if (length > MAX_COMMAND) break;
  }
  if (args.length === 0) return undefined;
  const cmd = args.join(' ');
  return cmd.length > MAX_COMMAND ? `${cmd.slice(0, MAX_COMMAND)}…` : cmd;
}

/**
 * The timeline label: `create pods`, `get secrets`, `create pods/exec bash` (with the exec
 * command, the most telling part of an exec), or `get /healthz` for non-resource URLs (the query
 * string is left out so labels of one endpoint stay equal). Kubernetes always writes a verb;
 * hand-written events that lack it read `(no verb)`.
 */
export function actionOf(view: AuditView): string {
  const verb = view.verb ?? '(no verb)';
  const resource = view.objectRef?.['resource'];
  if (typeof resource === 'string' && resource !== '') {
    const sub = view.objectRef?.['subresource'];
    if (typeof sub !== 'string' || sub === '') return `${verb} ${resource}`;
    const label = `${verb} ${resource}/${sub}`;
    if (sub !== 'exec') return label;
    const cmd = execCommand(view.requestURI);
    return cmd === undefined ? label : `${label} ${cmd}`;
  }
  if (view.requestURI !== undefined) return `${verb} ${uriPath(view.requestURI).slice(0, 512)}`;
  return verb;
}
