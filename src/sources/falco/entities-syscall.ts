/**
 * Entities of a `syscall` alert, from the `output_fields` the rule printed: the node Falco runs
 * on, container → pod → namespace, the image, the process with its parent and ancestors, the OS
 * user, and the files and addresses it touched. Falco has no exec ids, so processes are keyed
 * `${host}:${containerId or 'host'}:${pid or exepath or name}` (the shared convention); parents
 * and ancestors that carry only a name are keyed by that name in the same scope, which is an
 * approximation (the container runtime's shim is not really inside the container).
 */
import { type EntitySet, canonicalContainerId, canonicalImage, createEntity, namespacedId } from '../../core/entity.js';
import type { JsonObject } from '../../core/json.js';
import { baseName, fieldId, fieldStr, truncate } from './fields.js';
import { ipAddress, tupleAddresses } from './net.js';

const CMDLINE_MAX = 1024;

/** `proc.aname[2]` … `proc.aname[7]`: grandparent upwards (`[1]` is `proc.pname`). */
const ANCESTOR_KEYS: readonly string[] = [2, 3, 4, 5, 6, 7].map((n) => `proc.aname[${n}]`);

/** Fields whose value is a file path when it starts with `/`. */
const PATH_KEYS: readonly string[] = [
  'fd.name',
  'fs.path.name',
  'fs.path.source',
  'fs.path.target',
  'evt.arg.filename',
  'evt.arg.pathname',
  'evt.arg.path',
  'evt.arg.name',
  'evt.arg.newpath',
  'evt.arg.oldpath',
  'evt.arg.target',
  'evt.arg.linkpath',
];

/** Peer address fields besides the `fd.name` tuple; `fd.rip`/`fd.sip` name the remote end. */
const IP_KEYS: readonly string[] = ['fd.rip', 'fd.sip', 'fd.cip', 'fd.lip'];

const DOMAIN_KEYS: readonly string[] = ['fd.rip.name', 'fd.sip.name'];

/** Adds every entity the alert names; `hostname` is the node, since Falco watches its own host. */
export function addSyscallEntities(set: EntitySet, f: JsonObject | undefined, hostname: string | undefined): void {
  const node = hostname === undefined ? undefined : set.add(createEntity('node', hostname));
  const pod = addPod(set, f, node);
  const container = addContainer(set, f, pod ?? node);
  const scope = `${hostname ?? '_'}:${container?.id ?? 'host'}`;
  const proc = addProcess(set, f, scope);
  set.relate(proc, 'runs-in', container?.key ?? (pod === undefined ? node : undefined));
  addFiles(set, f, proc);
  addAddresses(set, f, proc);
}

function addPod(set: EntitySet, f: JsonObject | undefined, node: string | undefined): string | undefined {
  const ns = fieldStr(f, 'k8s.ns.name');
  const name = fieldStr(f, 'k8s.pod.name');
  const nsKey = ns === undefined ? undefined : set.add(createEntity('namespace', ns));
  if (name === undefined) return undefined;
  const uid = fieldStr(f, 'k8s.pod.uid');
  const pod = set.add(createEntity('pod', namespacedId(ns, name), name, uid === undefined ? undefined : { uid }));
  set.relate(pod, 'in-namespace', nsKey);
  set.relate(pod, 'runs-in', node);
  return pod;
}

function addContainer(
  set: EntitySet,
  f: JsonObject | undefined,
  parent: string | undefined,
): { key: string; id: string } | undefined {
  const raw = fieldStr(f, 'container.id');
  if (raw === undefined || raw === 'host') return undefined;
  const id = canonicalContainerId(raw);
  const name = fieldStr(f, 'container.name');
  const key = set.add(
    createEntity('container', id, name === 'host' ? undefined : name, raw.length > id.length ? { fullId: raw } : undefined),
  );
  set.relate(key, 'runs-in', parent);
  set.relate(key, 'runs-image', addImage(set, f));
  return { key, id };
}

/** `repository:tag` (or `repository@digest` when untagged), else the whole `container.image`. */
function addImage(set: EntitySet, f: JsonObject | undefined): string | undefined {
  const repo = fieldStr(f, 'container.image.repository');
  const tag = fieldStr(f, 'container.image.tag');
  const digestField = fieldStr(f, 'container.image.digest');
  let ref = fieldStr(f, 'container.image');
  if (repo !== undefined) {
    if (tag !== undefined) ref = `${repo}:${tag}`;
    else ref = digestField === undefined ? repo : `${repo}@${digestField}`;
  }
  if (ref === undefined) return undefined;
  const image = canonicalImage(ref);
  if (image === undefined) return undefined;
  const digest = digestField ?? image.digest;
  return set.add(createEntity('image', image.id, undefined, digest === undefined ? undefined : { digest }));
}

interface ProcessFields {
  readonly pid: string | undefined;
  readonly exepath: string | undefined;
  readonly cmdline: string | undefined;
  readonly comm: string | undefined;
}

/**
 * A Falco process entity. Its id is `scope:pid`, or `scope:name` without a pid: the same rule for
 * the subject, its parent and the `proc.aname[N]` ancestors (which have only names), so one
 * process seen in those different roles is one entity.
 */
function addProcessEntity(set: EntitySet, scope: string, p: ProcessFields): string | undefined {
  const name = p.exepath === undefined ? p.comm : baseName(p.exepath);
  const ident = p.pid ?? name;
  if (ident === undefined) return undefined;
  const attrs: Record<string, string> = {};
  if (p.pid !== undefined) attrs['pid'] = p.pid;
  if (p.exepath !== undefined) attrs['exepath'] = p.exepath;
  if (p.cmdline !== undefined) attrs['cmdline'] = truncate(p.cmdline, CMDLINE_MAX);
  if (p.comm !== undefined && p.comm !== name) attrs['comm'] = p.comm;
  return set.add(createEntity('process', `${scope}:${ident}`, name, attrs));
}

function addProcess(set: EntitySet, f: JsonObject | undefined, scope: string): string | undefined {
  const cmdline = fieldStr(f, 'proc.cmdline');
  const key = addProcessEntity(set, scope, {
    pid: fieldId(f, 'proc.pid'),
    exepath: fieldStr(f, 'proc.exepath'),
    cmdline,
    comm: fieldStr(f, 'proc.name') ?? firstWord(cmdline),
  });
  if (key === undefined) return undefined;
  set.relate(key, 'child-of', addAncestors(set, f, scope));
  set.relate(key, 'runs-as', addUser(set, f));
  return key;
}

/** The parent (`proc.pname`, `proc.ppid`…) and the `proc.aname[N]` chain above it; returns the parent. */
function addAncestors(set: EntitySet, f: JsonObject | undefined, scope: string): string | undefined {
  const pcmdline = fieldStr(f, 'proc.pcmdline');
  const parent = addProcessEntity(set, scope, {
    pid: fieldId(f, 'proc.ppid'),
    exepath: fieldStr(f, 'proc.pexepath'),
    cmdline: pcmdline,
    comm: fieldStr(f, 'proc.pname') ?? firstWord(pcmdline),
  });
  if (parent === undefined) return undefined;
  let child = parent;
  for (const key of ANCESTOR_KEYS) {
    const aname = fieldStr(f, key);
    if (aname === undefined) break;
    const ancestor = set.add(createEntity('process', `${scope}:${aname}`, aname));
    set.relate(child, 'child-of', ancestor);
    child = ancestor;
  }
  return parent;
}

/** The OS user: by name, else `uid:<n>`. */
function addUser(set: EntitySet, f: JsonObject | undefined): string | undefined {
  const name = fieldStr(f, 'user.name');
  const uid = fieldId(f, 'user.uid');
  if (name === undefined && uid === undefined) return undefined;
  const id = name ?? `uid:${uid}`;
  return set.add(createEntity('user', id, undefined, uid === undefined ? undefined : { uid }));
}

function addFiles(set: EntitySet, f: JsonObject | undefined, proc: string | undefined): void {
  for (const key of PATH_KEYS) {
    const value = fieldStr(f, key);
    const file = value === undefined ? undefined : absolutePath(value);
    if (file !== undefined) set.relate(proc, 'targets', set.add(createEntity('file', file)));
  }
}

/**
 * libsinsp shows a relative path argument with its resolution, `name(/abs/name)`; the absolute
 * form is the one other events name. Anything not starting with `/` is not a path.
 */
function absolutePath(value: string): string | undefined {
  if (value.endsWith(')')) {
    const open = value.lastIndexOf('(/');
    if (open >= 0) return value.slice(open + 1, -1);
  }
  return value.startsWith('/') ? value : undefined;
}

function addAddresses(set: EntitySet, f: JsonObject | undefined, proc: string | undefined): void {
  let remote: string | undefined;
  for (const key of IP_KEYS) {
    const raw = fieldStr(f, key);
    const ip = raw === undefined ? undefined : ipAddress(raw);
    if (ip === undefined) continue;
    const ipKey = set.add(createEntity('ip', ip));
    if (remote === undefined && (key === 'fd.rip' || key === 'fd.sip')) remote = ipKey;
  }
  const fdName = fieldStr(f, 'fd.name');
  const tuple = fdName === undefined ? undefined : tupleAddresses(fdName);
  if (tuple?.client !== undefined) set.add(createEntity('ip', tuple.client));
  if (tuple?.server !== undefined) {
    const server = set.add(createEntity('ip', tuple.server));
    remote ??= server;
  }
  set.relate(proc, 'connects-to', remote);
  for (const key of DOMAIN_KEYS) {
    const domain = fieldStr(f, key);
    if (domain !== undefined && ipAddress(domain) === undefined) {
      set.relate(proc, 'connects-to', set.add(createEntity('domain', domain.toLowerCase())));
    }
  }
}

/** Falco's `proc.cmdline` is `proc.name` followed by the arguments. */
function firstWord(cmdline: string | undefined): string | undefined {
  if (cmdline === undefined) return undefined;
  const space = cmdline.indexOf(' ');
  const word = space < 0 ? cmdline : cmdline.slice(0, space);
  return word === '' ? undefined : word;
}
