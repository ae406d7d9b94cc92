import { num, str, type JsonObject } from '../../core/json.js';
import { hostPort } from './args.js';

/** Joins the non-empty words of a label (no rest array: this runs once per event). */
function words(a: string, b?: string, c?: string): string {
  let out = a;
  if (b !== undefined && b !== '') out = out === '' ? b : `${out} ${b}`;
  if (c !== undefined && c !== '') out = out === '' ? c : `${out} ${c}`;
  return out;
}

const THROTTLE_PREFIX = /^THROTTLE_/;
const PROCESS_PREFIX = /^process_/;

/** `THROTTLE_START` → `start`. */
function throttleWord(type: string | undefined): string | undefined {
  return type === undefined ? undefined : type.replace(THROTTLE_PREFIX, '').toLowerCase();
}

/** Isovalent network events: `connect 34.116.205.187:443`, `listen 0.0.0.0:80`. */
function networkAction(verb: string, body: JsonObject): string {
  const ip = verb === 'listen' ? str(body, 'ip') : str(body, 'destination_ip');
  const port = verb === 'listen' ? num(body, 'port') : num(body, 'destination_port');
  return words(verb, ip === undefined ? undefined : hostPort(ip, port));
}

/**
 * The short timeline label of an event (`exec /usr/bin/curl`, `kprobe security_file_permission
 * /etc/passwd`, `tracepoint syscalls/sys_enter_setns`), from the type, the subject's binary and
 * the hook's first telling argument.
 */
export function actionFor(type: string, body: JsonObject, binary: string | undefined, target: string | undefined): string {
  switch (type) {
    case 'process_exec':
      return words('exec', binary);
    case 'process_exit':
      return words('exit', binary);
    case 'process_kprobe':
      return words('kprobe', str(body, 'function_name'), target);
    case 'process_lsm':
      return words('lsm', str(body, 'function_name'), target);
    case 'process_tracepoint': {
      const subsys = str(body, 'subsys');
      const event = str(body, 'event');
      const hook = subsys !== undefined && event !== undefined ? `${subsys}/${event}` : (event ?? subsys);
      return words('tracepoint', hook, target);
    }
    case 'process_uprobe':
      return words('uprobe', str(body, 'path'), str(body, 'symbol'));
    case 'process_usdt': {
      const provider = str(body, 'provider');
      const name = str(body, 'name');
      return words('usdt', provider !== undefined && name !== undefined ? `${provider}:${name}` : (name ?? provider), target);
    }
    case 'process_loader':
      return words('loader', str(body, 'path'));
    case 'process_connect':
      return networkAction('connect', body);
    case 'process_close':
      return networkAction('close', body);
    case 'process_listen':
      return networkAction('listen', body);
    case 'process_throttle':
      return words('throttle', throttleWord(str(body, 'type')), str(body, 'cgroup'));
    case 'rate_limit_info':
      return words('rate-limit', String(num(body, 'number_of_dropped_process_events') ?? 0), 'dropped');
    default:
      return words(type.replace(PROCESS_PREFIX, ''), binary);
  }
}
