/**
 * Falco alerts (`json_output: true`) as a Falco agent on a node writes them: rule, priority,
 * the rendered output, output fields, tags, source and hostname.
 */

import type { SimProcess } from './tetragon.js';
import { isoNanos } from './time.js';

export interface FalcoAlertSpec {
  readonly rule: string;
  readonly priority: 'Emergency' | 'Alert' | 'Critical' | 'Error' | 'Warning' | 'Notice' | 'Informational' | 'Debug';
  /** The rule's output text, before the fields Falco appends. */
  readonly text: string;
  readonly tags: readonly string[];
  /** Extra output fields (`fd.name`, `evt.type`…). */
  readonly fields?: Readonly<Record<string, string | number | null>>;
}

function commOf(binary: string): string {
  return binary.slice(binary.lastIndexOf('/') + 1);
}

export function falcoAlert(p: SimProcess, timeMs: number, spec: FalcoAlertSpec): Record<string, unknown> {
  const pod = p.pod;
  const w = pod?.workload;
  const [repo, tag] = w === undefined ? [null, null] : [w.image.replace(/:[^:/]+$/, ''), w.image.slice(w.image.lastIndexOf(':') + 1)];
  const cmdline = p.args === '' ? commOf(p.binary) : `${commOf(p.binary)} ${p.args}`;
  const fields: Record<string, string | number | null> = {
    'container.id': pod === undefined ? 'host' : pod.containerId.slice(0, 12),
    'container.image.repository': repo,
    'container.image.tag': tag,
    'container.name': w?.container ?? 'host',
    'evt.time': Math.round(timeMs * 1e6),
    'k8s.ns.name': w?.namespace ?? null,
    'k8s.pod.name': pod?.name ?? null,
    'proc.cmdline': cmdline,
    'proc.exepath': p.binary,
    'proc.name': commOf(p.binary),
    'proc.pname': p.parent === undefined ? null : commOf(p.parent.binary),
    'user.loginuid': -1,
    'user.name': p.uid === 0 ? 'root' : `uid${p.uid}`,
    'user.uid': p.uid,
    ...spec.fields,
  };
  const time = isoNanos(timeMs, p.pid);
  const rendered = Object.entries(fields).filter(([k]) => k !== 'evt.time').map(([k, v]) => `${k.replace(/\./g, '_')}=${v ?? '<NA>'}`).join(' ');
  return {
    hostname: p.node.name,
    output: `${time.slice(11, 29)}: ${spec.priority} ${spec.text} | ${rendered}`,
    output_fields: fields,
    priority: spec.priority,
    rule: spec.rule,
    source: 'syscall',
    tags: [...spec.tags].sort(),
    time,
  };
}
