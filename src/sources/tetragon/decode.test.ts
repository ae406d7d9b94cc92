import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VigilEvent } from '../../core/event.js';
import { stableId } from '../../core/hash.js';
import type { JsonObject } from '../../core/json.js';
import { decode } from './decode.js';
import { detect } from './detect.js';
import { tetragonDecoder } from './index.js';
import {
  CAP_CAPABLE_KPROBE,
  copy,
  CTX,
  decodeOk,
  FILE_ACCESS_KPROBE,
  LSM,
  MERLIN_CONNECT,
  NSENTER_EXEC,
  RATE_LIMIT,
  TCP_CONNECT,
  THROTTLE,
  TRACEPOINT,
  UPROBE,
  WHOAMI_EXIT,
  WITH_ANCESTORS,
} from './test-fixtures.js';

function entity(ev: VigilEvent, type: string, id: string) {
  return ev.entities.find((e) => e.type === type && e.id === id);
}

function ids(ev: VigilEvent, type: string): string[] {
  return ev.entities.filter((e) => e.type === type).map((e) => e.id);
}

function hasRelation(ev: VigilEvent, from: string, kind: string, to: string): boolean {
  return ev.relations.some((r) => r.from === from && r.kind === kind && r.to === to);
}

function rejection(record: JsonObject): { code: string; field?: string } {
  const r = decode(record, CTX);
  assert.equal(r.ok, false, 'expected a rejection');
  assert.ok(!r.ok && !r.skip, `expected a reject, got ${JSON.stringify(r)}`);
  return r.field === undefined ? { code: r.code } : { code: r.code, field: r.field };
}

const NSENTER = 'bWluaWt1YmU6MTQzNTQzNTYzNTQyMzoxOTAwOQ==';
const BASH = 'bWluaWt1YmU6MTIzNjkyODQ2NzQ4NToxNzAyMg==';

describe('tetragon decode: process_exec (privileged-pod nsenter)', () => {
  const ev = decodeOk(NSENTER_EXEC);

  it('gives the envelope', () => {
    assert.equal(ev.source, 'tetragon');
    assert.equal(ev.kind, 'process_exec');
    assert.equal(ev.action, 'exec /usr/bin/nsenter');
    assert.equal(ev.time, '2022-01-19T11:16:29.378Z');
    assert.equal(ev.timeMs, Date.UTC(2022, 0, 19, 11, 16, 29, 378));
    assert.equal(ev.observedMs, CTX.observedMs);
    assert.deepEqual(ev.origin, CTX.origin);
    assert.equal(ev.payload, NSENTER_EXEC, 'payload is the parsed record itself');
    assert.equal(ev.id, stableId('tg-', ['minikube', 'process_exec', NSENTER, '2022-01-19T11:16:29.378Z', undefined, undefined]));
    assert.equal(ev.id, decodeOk(copy(NSENTER_EXEC)).id, 'ids are deterministic');
  });

  it('names the workload: node, pod, namespace, container, image', () => {
    assert.deepEqual(entity(ev, 'node', 'minikube'), { type: 'node', id: 'minikube', name: 'minikube' });
    assert.equal(entity(ev, 'pod', 'default/privileged-pod')?.name, 'privileged-pod');
    assert.ok(entity(ev, 'namespace', 'default'));
    const container = entity(ev, 'container', '85f791fd8dfa');
    assert.equal(container?.name, 'privileged-pod');
    assert.equal(container?.attrs?.['fullId'], '85f791fd8dfa740a3b1c177e8f68e8fdb4803a7c8fa0e957a5ec38460ce047ef');
    const image = entity(ev, 'image', 'docker.io/library/nginx:latest');
    assert.equal(image?.attrs?.['digest'], 'sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31');
    assert.ok(hasRelation(ev, 'container:85f791fd8dfa', 'runs-in', 'pod:default/privileged-pod'));
    assert.ok(hasRelation(ev, 'container:85f791fd8dfa', 'runs-image', 'image:docker.io/library/nginx:latest'));
    assert.ok(hasRelation(ev, 'pod:default/privileged-pod', 'in-namespace', 'namespace:default'));
    assert.ok(hasRelation(ev, 'pod:default/privileged-pod', 'runs-in', 'node:minikube'));
  });

  it('names the process, its parent and its user', () => {
    const proc = entity(ev, 'process', NSENTER);
    assert.equal(proc?.name, 'nsenter');
    assert.deepEqual(proc?.attrs, {
      pid: '19009',
      binary: '/usr/bin/nsenter',
      cmdline: '/usr/bin/nsenter -t 1 -m -u -n -i -p bash',
      cwd: '/',
      uid: '0',
    });
    assert.equal(entity(ev, 'process', BASH)?.name, 'bash');
    assert.ok(entity(ev, 'user', 'uid:0'));
    assert.ok(hasRelation(ev, `process:${NSENTER}`, 'runs-in', 'container:85f791fd8dfa'));
    assert.ok(hasRelation(ev, `process:${NSENTER}`, 'child-of', `process:${BASH}`));
    assert.ok(hasRelation(ev, `process:${NSENTER}`, 'runs-as', 'user:uid:0'));
    assert.ok(hasRelation(ev, `process:${BASH}`, 'runs-in', 'container:85f791fd8dfa'), 'parent shares the container');
    assert.equal(ev.entities.length, 8);
  });
});

describe('tetragon decode: hooks and other event types', () => {
  it('kprobe security_file_permission names the file it targets', () => {
    const ev = decodeOk(FILE_ACCESS_KPROBE);
    assert.equal(ev.kind, 'process_kprobe');
    assert.equal(ev.action, 'kprobe security_file_permission /etc/passwd');
    assert.equal(ev.time, '2024-04-14T02:18:14.376304204Z');
    const vi = 'dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MTc3MDUwMTI1NDI6NjQ3NDY=';
    // the id recipe: node, type, exec_id, time, hook and policy
    assert.equal(ev.id, stableId('tg-', ['tetragon-dev-control-plane', 'process_kprobe', vi, ev.time, 'security_file_permission', 'file-monitoring']));
    assert.ok(entity(ev, 'file', '/etc/passwd'));
    assert.ok(hasRelation(ev, `process:${vi}`, 'targets', 'file:/etc/passwd'));
    assert.deepEqual(entity(ev, 'pod', 'default/file-access')?.attrs, { workload: 'file-access', workloadKind: 'Pod' });
    assert.deepEqual(ids(ev, 'image'), ['docker.io/library/busybox:latest']);
  });

  it('the policy name is part of the id', () => {
    const other = copy(FILE_ACCESS_KPROBE);
    (other['process_kprobe'] as JsonObject)['policy_name'] = 'another-policy';
    assert.notEqual(decodeOk(other).id, decodeOk(FILE_ACCESS_KPROBE).id);
  });

  it('restores the leading slash old agents dropped from file paths', () => {
    const old = copy(FILE_ACCESS_KPROBE);
    (old['process_kprobe'] as JsonObject)['args'] = [{ file_arg: { path: 'etc/shadow' } }];
    const ev = decodeOk(old);
    assert.deepEqual(ids(ev, 'file'), ['/etc/shadow']);
    assert.equal(ev.action, 'kprobe security_file_permission /etc/shadow');
  });

  it('kprobe cap_capable is labelled by its capability; docker-only container runs on the node', () => {
    const ev = decodeOk(CAP_CAPABLE_KPROBE);
    assert.equal(ev.action, 'kprobe cap_capable CAP_SYSLOG');
    assert.deepEqual(ids(ev, 'container'), ['cfb961400ff2']);
    assert.ok(hasRelation(ev, 'container:cfb961400ff2', 'runs-in', 'node:kind-control-plane'));
    assert.deepEqual(ids(ev, 'pod'), []);
    const parent = 'a2luZC1jb250cm9sLXBsYW5lOjEyODQyMTI3MTIwOTcyOjczODUw';
    assert.equal(entity(ev, 'process', parent)?.name, parent, 'a parent known only by id is named by its id');
    assert.ok(hasRelation(ev, 'process:a2luZC1jb250cm9sLXBsYW5lOjEyODQyNzgzMzUwNjg0OjczODYw', 'child-of', `process:${parent}`));
    assert.equal(ev.relations.some((r) => r.from === `process:${parent}` && r.kind === 'runs-in'), false, 'and not placed');
  });

  it('kprobe tcp_connect: remote IP from daddr (not saddr), cluster above the node', () => {
    const ev = decodeOk(TCP_CONNECT);
    assert.equal(ev.action, 'kprobe tcp_connect [2001:db8::7]:443');
    assert.deepEqual(ids(ev, 'ip'), ['2001:db8::7']);
    assert.ok(hasRelation(ev, 'process:bm9kZS0xOjEwMDA6NTAw', 'connects-to', 'ip:2001:db8::7'));
    assert.ok(hasRelation(ev, 'node:node-1', 'runs-in', 'cluster:prod-eu'));
    assert.ok(hasRelation(ev, 'process:bm9kZS0xOjEwMDA6NTAw', 'runs-in', 'node:node-1'), 'a host process runs on the node');
    assert.ok(entity(ev, 'user', 'uid:1000'));
  });

  it('tracepoint: subsys/event in the action and the id', () => {
    const ev = decodeOk(TRACEPOINT);
    assert.equal(ev.kind, 'process_tracepoint');
    assert.equal(ev.action, 'tracepoint syscalls/sys_enter_setns');
    assert.equal(ev.time, '2024-05-01T10:00:01.5Z');
    assert.equal(ev.id, stableId('tg-', ['node-1', 'process_tracepoint', 'bm9kZS0xOjEwMDA6NTAw', ev.time, 'syscalls/sys_enter_setns', 'setns-tp']));
  });

  it('lsm: the binprm path is a file', () => {
    const ev = decodeOk(LSM);
    assert.equal(ev.action, 'lsm security_bprm_check /home/dev/contrib/tester-progs/nop');
    assert.deepEqual(ids(ev, 'file'), ['/home/dev/contrib/tester-progs/nop']);
  });

  it('uprobe: path and symbol', () => {
    assert.equal(decodeOk(UPROBE).action, 'uprobe /bin/bash readline');
  });

  it('process_exit', () => {
    const ev = decodeOk(WHOAMI_EXIT);
    assert.equal(ev.action, 'exit /usr/bin/whoami');
    assert.equal(ev.time, '2022-05-11T12:54:45.616Z');
    assert.deepEqual(ids(ev, 'container'), ['1fb931d2f6e5']);
    assert.deepEqual(ids(ev, 'image'), ['docker.io/tgraf/netperf:latest']);
  });

  it('ancestors form a child-of chain', () => {
    const ev = decodeOk(WITH_ANCESTORS);
    assert.deepEqual(ids(ev, 'process'), ['bm9kZS0xOjMwMDA6NzAw', 'bm9kZS0xOjIwMDA6NjAw', 'bm9kZS0xOjEwMDA6NTAw', 'bm9kZS0xOjkwMDo0MDA=']);
    assert.ok(hasRelation(ev, 'process:bm9kZS0xOjMwMDA6NzAw', 'child-of', 'process:bm9kZS0xOjIwMDA6NjAw'));
    assert.ok(hasRelation(ev, 'process:bm9kZS0xOjIwMDA6NjAw', 'child-of', 'process:bm9kZS0xOjEwMDA6NTAw'));
    assert.ok(hasRelation(ev, 'process:bm9kZS0xOjEwMDA6NTAw', 'child-of', 'process:bm9kZS0xOjkwMDo0MDA='));
    assert.equal(entity(ev, 'process', 'bm9kZS0xOjkwMDo0MDA=')?.name, 'sshd');
  });

  it('Isovalent process_connect: destination IP, docker container on the node', () => {
    const ev = decodeOk(MERLIN_CONNECT);
    assert.equal(ev.kind, 'process_connect');
    assert.equal(ev.action, 'connect 34.116.205.187:443');
    assert.deepEqual(ids(ev, 'ip'), ['34.116.205.187'], 'source_ip is local, not an entity');
    assert.deepEqual(ids(ev, 'container'), ['a51959123c3b']);
    assert.ok(hasRelation(ev, 'container:a51959123c3b', 'runs-in', 'node:minikube'));
    assert.ok(hasRelation(ev, 'process:bWluaWt1YmU6MjA4MjU3MzM4MjgwMToyNTc0NA==', 'connects-to', 'ip:34.116.205.187'));
  });

  it('process_throttle and rate_limit_info are node events', () => {
    const t = decodeOk(THROTTLE);
    assert.equal(t.kind, 'process_throttle');
    assert.equal(t.action, 'throttle start session-429.scope');
    assert.deepEqual(t.entities, [{ type: 'node', id: 'ubuntu-22', name: 'ubuntu-22' }]);
    const r = decodeOk(RATE_LIMIT);
    assert.equal(r.action, 'rate-limit 42 dropped');
    assert.deepEqual(ids(r, 'node'), ['node-1']);
  });

  it('an unknown process_* type beside the envelope is claimed and reported as KIND_UNKNOWN', () => {
    const rec = { process_dns: { process: { exec_id: 'eA==', binary: '/usr/bin/dig' }, names: ['x.example'] }, node_name: 'n', time: '2024-01-01T00:00:00Z' };
    assert.equal(detect(rec), true);
    const r = decode(rec, CTX);
    assert.deepEqual(r.ok || r.skip ? undefined : [r.code, r.field], ['KIND_UNKNOWN', 'process_dns']);
  });

  it('a test event is skipped, not rejected', () => {
    const r = decode({ test: { arg0: '1' }, node_name: 'n', time: '2024-01-01T00:00:00Z' }, CTX);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.skip);
  });

  it('wrong-typed leaf fields read as absent', () => {
    const rec = copy(FILE_ACCESS_KPROBE);
    const body = rec['process_kprobe'] as JsonObject;
    (body['process'] as JsonObject)['pid'] = { nested: true };
    (body['process'] as JsonObject)['binary'] = 42;
    body['args'] = 'not an array';
    const ev = decodeOk(rec);
    assert.equal(ev.action, 'kprobe security_file_permission');
    assert.deepEqual(entity(ev, 'process', 'dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MTc3MDUwMTI1NDI6NjQ3NDY=')?.attrs, { cwd: '/', uid: '0' });
  });
});

describe('tetragon decode: rejects', () => {
  const body = (r: JsonObject, key = 'process_exec') => r[key] as JsonObject;

  it('a missing time (testdata-events.jsonl line 1)', () => {
    const r = copy(NSENTER_EXEC);
    delete r['time'];
    assert.deepEqual(rejection(r), { code: 'TIME_INVALID', field: 'time' });
  });

  it('a time of the wrong type or not RFC 3339', () => {
    for (const bad of [1642590989, 'yesterday', '2022-13-19T11:16:29Z', null, {}]) {
      const r = copy(NSENTER_EXEC);
      r['time'] = bad;
      assert.deepEqual(rejection(r), { code: 'TIME_INVALID', field: 'time' }, String(bad));
    }
  });

  it('an event body that is not an object', () => {
    const r = copy(NSENTER_EXEC);
    r['process_exec'] = [1, 2];
    assert.deepEqual(rejection(r), { code: 'FIELD_TYPE', field: 'process_exec' });
  });

  it('a missing or mistyped process', () => {
    const missing = copy(FILE_ACCESS_KPROBE);
    delete body(missing, 'process_kprobe')['process'];
    assert.deepEqual(rejection(missing), { code: 'FIELD_MISSING', field: 'process_kprobe.process' });
    const wrong = copy(FILE_ACCESS_KPROBE);
    body(wrong, 'process_kprobe')['process'] = 'vi';
    assert.deepEqual(rejection(wrong), { code: 'FIELD_TYPE', field: 'process_kprobe.process' });
  });

  it('an exec without exec_id, or with a numeric one', () => {
    const missing = copy(NSENTER_EXEC);
    delete (body(missing)['process'] as JsonObject)['exec_id'];
    assert.deepEqual(rejection(missing), { code: 'FIELD_MISSING', field: 'process_exec.process.exec_id' });
    const wrong = copy(NSENTER_EXEC);
    (body(wrong)['process'] as JsonObject)['exec_id'] = 12;
    assert.deepEqual(rejection(wrong), { code: 'FIELD_TYPE', field: 'process_exec.process.exec_id' });
  });

  it('a kprobe without exec_id is still an event (field filters may drop it)', () => {
    const r = copy(FILE_ACCESS_KPROBE);
    delete (body(r, 'process_kprobe')['process'] as JsonObject)['exec_id'];
    const ev = decodeOk(r);
    assert.deepEqual(ids(ev, 'process'), ['dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MDE3MDQ3OTQyOTg6NjQ2MTU=']);
  });

  it('a mistyped parent or ancestors', () => {
    const p = copy(NSENTER_EXEC);
    body(p)['parent'] = 'bash';
    assert.deepEqual(rejection(p), { code: 'FIELD_TYPE', field: 'process_exec.parent' });
    const a = copy(NSENTER_EXEC);
    body(a)['ancestors'] = { exec_id: 'x' };
    assert.deepEqual(rejection(a), { code: 'FIELD_TYPE', field: 'process_exec.ancestors' });
  });

  it('a mistyped node_name or cluster_name', () => {
    const n = copy(NSENTER_EXEC);
    n['node_name'] = ['minikube'];
    assert.deepEqual(rejection(n), { code: 'FIELD_TYPE', field: 'node_name' });
    const c = copy(NSENTER_EXEC);
    c['cluster_name'] = 7;
    assert.deepEqual(rejection(c), { code: 'FIELD_TYPE', field: 'cluster_name' });
  });

  it('no event key, or two', () => {
    assert.deepEqual(rejection({ node_name: 'n', time: '2024-01-01T00:00:00Z' }), { code: 'RECORD_UNRECOGNISED' });
    const two = copy(NSENTER_EXEC);
    two['process_exit'] = body(two);
    assert.deepEqual(rejection(two), { code: 'RECORD_UNRECOGNISED' });
  });
});

describe('tetragon detect', () => {
  it('accepts every event type, with or without node_name', () => {
    for (const r of [NSENTER_EXEC, FILE_ACCESS_KPROBE, WHOAMI_EXIT, MERLIN_CONNECT, THROTTLE, TRACEPOINT, LSM, UPROBE, RATE_LIMIT]) {
      assert.equal(detect(r), true, Object.keys(r)[0]);
    }
    assert.equal(detect({ process_kprobe: {}, time: '2023-08-30T11:01:22.847554295Z' }), true);
    assert.equal(tetragonDecoder.detect, detect);
    assert.equal(tetragonDecoder.kind, 'tetragon');
  });

  it('rejects the other formats and near misses', () => {
    const falco = { output: '10:00 Warning shell', priority: 'Warning', rule: 'Terminal shell in container', time: '2024-01-01T00:00:00Z', output_fields: { 'proc.name': 'bash' } };
    const audit = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: 'a', verb: 'create', stage: 'ResponseComplete' };
    const trail = { eventVersion: '1.08', eventSource: 's3.amazonaws.com', eventName: 'GetObject', userIdentity: { type: 'IAMUser' } };
    for (const r of [falco, audit, trail, {}, { node_name: 'n', time: 't' }]) assert.equal(detect(r), false, JSON.stringify(r));
    assert.equal(detect({ test: {} }), false, 'a bare test key is not enough');
    assert.equal(detect({ process_foo: {} }), false, 'an unknown type needs the envelope');
    assert.equal(detect({ process_foo: 'x', time: 't' }), false);
    assert.equal(detect({ process_exec: {}, process_exit: {}, time: 't' }), false, 'two event keys');
  });

  it('exposes a process tree as per-run state', () => {
    const state = tetragonDecoder.createState?.();
    assert.ok(state);
    assert.equal(state.size, 0);
    state.observe(decodeOk(NSENTER_EXEC));
    assert.equal(state.size, 3, 'nsenter, bash, and the container remembered with its pod');
  });
});
