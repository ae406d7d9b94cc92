/**
 * Falco alerts (`json_output: true`) as a Falco agent on a node writes them: the rule's own
 * output format rendered with the event's values, followed by the container and Kubernetes
 * context Falco appends to syscall alerts; `output_fields` holds `evt.time` and every field the
 * rendered text names.
 *
 * The rules the simulator raises are listed with their priority, output format and tags as
 * Falco's official rule files (Apache-2.0) define them, so alerts look exactly like real ones.
 */

import type { SimProcess } from './tetragon.js';
import { isoNanos9 } from './time.js';

interface FalcoRule {
  readonly priority: 'Emergency' | 'Alert' | 'Critical' | 'Error' | 'Warning' | 'Notice' | 'Informational' | 'Debug';
  readonly output: string;
  readonly tags: readonly string[];
}

const PROC = 'evt_type=%evt.type user=%user.name user_uid=%user.uid user_loginuid=%user.loginuid process=%proc.name proc_exepath=%proc.exepath parent=%proc.pname command=%proc.cmdline terminal=%proc.tty';

/** The official rules the simulated Falco agents raise (falco_rules.yaml). */
const FALCO_RULES = {
  'Terminal shell in container': { priority: 'Notice', output: `A shell was spawned in a container with an attached terminal | ${PROC} exe_flags=%evt.arg.flags`, tags: ['maturity_stable', 'container', 'shell', 'mitre_execution', 'T1059'] },
  'Contact K8S API Server From Container': { priority: 'Notice', output: `Unexpected connection to K8s API Server from container | connection=%fd.name lport=%fd.lport rport=%fd.rport fd_type=%fd.type fd_proto=%fd.l4proto ${PROC}`, tags: ['maturity_stable', 'container', 'network', 'k8s', 'mitre_discovery', 'T1565'] },
  'Read sensitive file untrusted': { priority: 'Warning', output: `Sensitive file opened for reading by non-trusted program | file=%fd.name gparent=%proc.aname[2] ggparent=%proc.aname[3] gggparent=%proc.aname[4] ${PROC}`, tags: ['maturity_stable', 'host', 'container', 'filesystem', 'mitre_credential_access', 'T1555'] },
  'Detect release_agent File Container Escapes': { priority: 'Critical', output: `Detect an attempt to exploit a container escape using release_agent file | file=%fd.name cap_effective=%thread.cap_effective ${PROC}`, tags: ['maturity_stable', 'container', 'process', 'mitre_privilege_escalation', 'T1611'] },
  'Execution from /dev/shm': { priority: 'Warning', output: `File execution detected from /dev/shm | evt_res=%evt.res file=%fd.name proc_cwd=%proc.cwd proc_pcmdline=%proc.pcmdline user_loginname=%user.loginname group_gid=%group.gid group_name=%group.name ${PROC} exe_flags=%evt.arg.flags`, tags: ['maturity_stable', 'host', 'container', 'mitre_execution', 'T1059.004'] },
  'Remove Bulk Data from Disk': { priority: 'Warning', output: `Bulk data has been removed from disk | file=%fd.name ${PROC} exe_flags=%evt.arg.flags`, tags: ['maturity_stable', 'host', 'container', 'process', 'filesystem', 'mitre_impact', 'T1485'] },
} as const satisfies Readonly<Record<string, FalcoRule>>;

export type FalcoRuleName = keyof typeof FALCO_RULES;

/** What Falco appends to every syscall alert: where the process runs. */
const APPEND = ' container_id=%container.id container_name=%container.name container_image_repository=%container.image.repository container_image_tag=%container.image.tag k8s_pod_name=%k8s.pod.name k8s_ns_name=%k8s.ns.name';

type Value = string | number | null;

export interface FalcoAlertSpec {
  readonly rule: FalcoRuleName;
  /** Values of the event's own fields (`evt.type`, `fd.name`, `proc.tty`, `evt.arg.flags`…); process and container fields come from the process. */
  readonly fields?: Readonly<Record<string, Value>>;
}

const FIELD = /%([a-z0-9_.]+(?:\[\d+\])?)/g;

function commOf(binary: string): string {
  return binary.slice(binary.lastIndexOf('/') + 1);
}

function cmdline(p: SimProcess): string {
  return p.args === '' ? commOf(p.binary) : `${commOf(p.binary)} ${p.args}`;
}

/** The value Falco would extract for `name` from the process, or undefined when the event must say. */
function processValue(p: SimProcess, name: string): Value | undefined {
  const pod = p.pod;
  const w = pod?.workload;
  const aname = /^proc\.aname\[(\d+)\]$/.exec(name);
  if (aname !== null) {
    let a: SimProcess | undefined = p;
    for (let i = 0; i < Number(aname[1]) && a !== undefined; i++) a = a.parent;
    return a === undefined ? null : commOf(a.binary);
  }
  switch (name) {
    case 'container.id': return pod === undefined ? 'host' : pod.containerId.slice(0, 12);
    case 'container.name': return w?.container ?? 'host';
    case 'container.image.repository': return w === undefined ? null : w.image.replace(/:[^:/]+$/, '');
    case 'container.image.tag': return w === undefined ? null : w.image.slice(w.image.lastIndexOf(':') + 1);
    case 'k8s.ns.name': return w?.namespace ?? null;
    case 'k8s.pod.name': return pod?.name ?? null;
    case 'proc.name': return commOf(p.binary);
    case 'proc.exepath': return p.binary;
    case 'proc.cmdline': return cmdline(p);
    case 'proc.pname': return p.parent === undefined ? null : commOf(p.parent.binary);
    case 'proc.pcmdline': return p.parent === undefined ? null : cmdline(p.parent);
    case 'proc.cwd': return p.cwd.endsWith('/') ? p.cwd : `${p.cwd}/`;
    case 'proc.tty': return 0;
    case 'user.uid': return p.uid;
    case 'user.name': return p.uid === 0 ? 'root' : null;
    case 'user.loginuid': return -1;
    case 'user.loginname': return null;
    case 'group.gid': return p.uid;
    case 'group.name': return p.uid === 0 ? 'root' : null;
    case 'evt.res': return 'SUCCESS';
    default: return undefined;
  }
}

function text(v: Value): string {
  return v === null ? '<NA>' : String(v);
}

export function falcoAlert(p: SimProcess, timeMs: number, spec: FalcoAlertSpec): Record<string, unknown> {
  const rule: FalcoRule = FALCO_RULES[spec.rule];
  const format = rule.output + APPEND;
  const fields: Record<string, Value> = { 'evt.time': Math.round(timeMs * 1e6) };
  const rendered = format.replace(FIELD, (_m, name: string) => {
    const v = spec.fields?.[name] ?? processValue(p, name) ?? null;
    fields[name] = v;
    return text(v);
  });
  const time = isoNanos9(timeMs);
  const sorted: Record<string, Value> = {};
  for (const k of Object.keys(fields).sort()) sorted[k] = fields[k] as Value;
  return {
    hostname: p.node.name,
    output: `${time.slice(11, 29)}: ${rule.priority} ${rendered}`,
    output_fields: sorted,
    priority: rule.priority,
    rule: spec.rule,
    source: 'syscall',
    tags: [...rule.tags].sort(),
    time,
  };
}
