import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VigilEvent } from '../../core/event.js';
import { decodeFiles } from '../../pipeline/decode-files.js';
import { corpusPath, requireCorpus } from '../../../test/support/corpus.js';
import { tetragonDecoder } from './index.js';
import { createProcessTree } from './process-tree.js';

/**
 * Every Tetragon record of the shared corpus: [file, events, errors, event type]. Counted with
 * python, independently of the decoder: a record is an event when it has the envelope `time`;
 * testdata-events.jsonl line 1 has none (upstream test data) and must be a TIME_INVALID error.
 */
const EXPECTED: readonly (readonly [string, number, number, string])[] = [
  ['testdata-events.jsonl', 2, 1, 'process_exec'],
  ['docs-examples/advanced-process-execution-block7.jsonl', 1, 0, 'process_kprobe'],
  ['docs-examples/cgroup-rate-block1.jsonl', 1, 0, 'process_throttle'],
  ['docs-examples/cgroup-rate-block2.jsonl', 1, 0, 'process_throttle'],
  ['docs-examples/events-block1.jsonl', 1, 0, 'process_exec'],
  ['docs-examples/execution-block5.jsonl', 1, 0, 'process_exec'],
  ['docs-examples/filename-access-block6.jsonl', 1, 0, 'process_kprobe'],
  ['docs-examples/linux-kernel-modules-block10.jsonl', 1, 0, 'process_exec'],
  ['docs-examples/linux-kernel-modules-block11.jsonl', 1, 0, 'process_kprobe'],
  ['docs-examples/linux-kernel-modules-block12.jsonl', 1, 0, 'process_kprobe'],
  ['docs-examples/linux-kernel-modules-block13.jsonl', 1, 0, 'process_kprobe'],
  ['docs-examples/linux-kernel-modules-block2.jsonl', 1, 0, 'process_kprobe'],
  ['docs-examples/linux-kernel-modules-block3.jsonl', 1, 0, 'process_kprobe'],
  ['docs-examples/linux-kernel-modules-block9.jsonl', 1, 0, 'process_kprobe'],
  ['docs-examples/monitor-changes-at-kernel-block5.jsonl', 1, 0, 'process_kprobe'],
  ['docs-examples/namespace-access-block8.jsonl', 1, 0, 'process_kprobe'],
  ['docs-examples/process-execution-block4.jsonl', 1, 0, 'process_exec'],
  ['docs-examples/process-execution-block5.jsonl', 1, 0, 'process_exit'],
  ['docs-examples/record-linux-capabilities-block8.jsonl', 1, 0, 'process_kprobe'],
  ['docs-examples/syscalls-monitoring-block6.jsonl', 2, 0, 'process_kprobe'],
  ...[
    ['00_four_golden_signals/process_close.json', 'process_close'],
    ['00_four_golden_signals/process_connect.json', 'process_connect'],
    ['00_four_golden_signals/process_exec.json', 'process_exec'],
    ['00_four_golden_signals/process_exit.json', 'process_exit'],
    ['00_four_golden_signals/process_kprobe.json', 'process_kprobe'],
    ['00_four_golden_signals/process_listen.json', 'process_listen'],
    ['00_process_lifecycle/cat_process_exec.json', 'process_exec'],
    ['00_process_lifecycle/cat_process_exit.json', 'process_exit'],
    ['00_process_lifecycle/cat_process_kprobe.json', 'process_kprobe'],
    ['00_process_lifecycle/lifecycle_sh_process_exec.json', 'process_exec'],
    ['00_process_lifecycle/lifecycle_sh_process_exit.json', 'process_exit'],
    ['00_process_lifecycle/nc_process_close.json', 'process_close'],
    ['00_process_lifecycle/nc_process_connect.json', 'process_connect'],
    ['00_process_lifecycle/nc_process_exec.json', 'process_exec'],
    ['00_process_lifecycle/nc_process_exit.json', 'process_exit'],
    ['03_security_observability_events/01_reaching_the_host_namespace/host-namespace-bash.json', 'process_exec'],
    ['03_security_observability_events/01_reaching_the_host_namespace/nginx-execution.json', 'process_exec'],
    ['03_security_observability_events/01_reaching_the_host_namespace/nginx-listen.json', 'process_listen'],
    ['03_security_observability_events/01_reaching_the_host_namespace/privileged-pod-bash.json', 'process_exec'],
    ['03_security_observability_events/01_reaching_the_host_namespace/privileged-pod-init.json', 'process_exec'],
    ['03_security_observability_events/01_reaching_the_host_namespace/privileged-pod-nsenter.json', 'process_exec'],
    ['03_security_observability_events/02_persistance/merlin-agent-container-start-containerd-shim.json', 'process_exec'],
    ['03_security_observability_events/02_persistance/merlin-agent-container-start-runc.json', 'process_exec'],
    ['03_security_observability_events/02_persistance/merlin-agent-go-connect.json', 'process_connect'],
    ['03_security_observability_events/02_persistance/merlin-agent-go-start.json', 'process_exec'],
    ['03_security_observability_events/02_persistance/merlin-agent-insert-pod-spec.json', 'process_exec'],
    ['03_security_observability_events/02_persistance/merlin-agent-job-close.json', 'process_close'],
    ['03_security_observability_events/02_persistance/merlin-agent-job-connect.json', 'process_connect'],
    ['03_security_observability_events/03_post_exploitation_techniques/merlin-agent-7z-exit.json', 'process_exit'],
    ['03_security_observability_events/03_post_exploitation_techniques/merlin-agent-7z.json', 'process_exec'],
    ['03_security_observability_events/03_post_exploitation_techniques/merlin-agent-scp-exit.json', 'process_exit'],
    ['03_security_observability_events/03_post_exploitation_techniques/merlin-agent-scp-sh-exit.json', 'process_exit'],
    ['03_security_observability_events/03_post_exploitation_techniques/merlin-agent-scp-sh.json', 'process_exec'],
    ['03_security_observability_events/03_post_exploitation_techniques/merlin-agent-scp-ssh-exit.json', 'process_exit'],
    ['03_security_observability_events/03_post_exploitation_techniques/merlin-agent-scp-ssh.json', 'process_exec'],
    ['03_security_observability_events/03_post_exploitation_techniques/merlin-agent-scp.json', 'process_exec'],
    ['03_security_observability_events/03_post_exploitation_techniques/merlin-agent-sh-exit.json', 'process_exit'],
    ['03_security_observability_events/03_post_exploitation_techniques/merlin-agent-sh.json', 'process_exec'],
    ['03_security_observability_events/03_post_exploitation_techniques/merlin-agent-ssh-tunnel-close.json', 'process_close'],
    ['03_security_observability_events/03_post_exploitation_techniques/merlin-agent-ssh-tunnel-connect.json', 'process_connect'],
  ].map(([f, type]) => [`security-observability-with-ebpf/03_chapter/${f}`, 1, 0, type as string] as const),
];

const CHAPTER = 'tetragon/security-observability-with-ebpf/03_chapter';
const WALK = `${CHAPTER}/03_security_observability_events`;

function find(events: readonly VigilEvent[], suffix: string): VigilEvent {
  const ev = events.find((e) => e.origin.path.endsWith(suffix));
  assert.ok(ev, `no event from ${suffix}`);
  return ev;
}

function has(ev: VigilEvent, type: string, id: string): boolean {
  return ev.entities.some((e) => e.type === type && e.id === id);
}

describe('tetragon corpus', () => {
  it('decodes every record of every file, with the expected counts', async (t) => {
    if (!requireCorpus(t)) return;
    assert.equal(EXPECTED.length, 60);
    for (const [file, events, errors, type] of EXPECTED) {
      for (const format of ['tetragon', 'auto'] as const) {
        const out = await decodeFiles([corpusPath(`tetragon/${file}`)], { format });
        assert.equal(out.events.length, events, `${file} (${format}) events`);
        assert.equal(out.errors.length, errors, `${file} (${format}) errors: ${JSON.stringify(out.errors)}`);
        assert.equal(out.skipped, 0, file);
        for (const ev of out.events) {
          assert.equal(ev.source, 'tetragon', `${file} (${format}) is detected as tetragon`);
          assert.equal(ev.kind, type, file);
          assert.match(ev.id, /^tg-[0-9a-f]{32}$/);
          assert.match(ev.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
          assert.ok(ev.entities.length > 0, `${file} names entities`);
        }
      }
    }
  });

  it('reports testdata-events.jsonl line 1 (no time) as TIME_INVALID', async (t) => {
    if (!requireCorpus(t)) return;
    const out = await decodeFiles([corpusPath('tetragon/testdata-events.jsonl')]);
    assert.deepEqual(
      out.errors.map((e) => [e.line, e.code, e.field]),
      [[1, 'TIME_INVALID', 'time']],
    );
    assert.deepEqual(out.events.map((e) => e.origin.line), [2, 3]);
  });

  it('gives the same id to the same event published twice in the docs', async (t) => {
    if (!requireCorpus(t)) return;
    const a = await decodeFiles([corpusPath('tetragon/docs-examples/events-block1.jsonl')]);
    const b = await decodeFiles([corpusPath('tetragon/docs-examples/execution-block5.jsonl')]);
    assert.equal(a.events[0]?.id, b.events[0]?.id);
  });

  it('labels the docs examples by their hook and target', async (t) => {
    if (!requireCorpus(t)) return;
    const out = await decodeFiles([corpusPath('tetragon/docs-examples')]);
    const actions = out.events.map((e) => e.action);
    for (const a of [
      'kprobe security_file_permission /etc/passwd',
      'kprobe security_kernel_read_file /usr/lib/modules/6.2.0-32-generic/kernel/fs/xfs/xfs.ko',
      'kprobe security_kernel_module_request fs-xfs',
      'kprobe do_init_module kernel_module_hello',
      'kprobe cap_capable CAP_SYSLOG',
      'kprobe __x64_sys_setns',
      'kprobe security_bprm_creds_from_file /bin/busybox',
      'throttle start session-429.scope',
      'throttle stop session-429.scope',
      'exec /usr/bin/curl',
      'exit /usr/bin/whoami',
    ]) {
      assert.ok(actions.includes(a), `missing action ${a}`);
    }
  });
});

describe('tetragon corpus: the O’Reilly attack walk-through', () => {
  it('privileged-pod-nsenter.json names pod, container, image, node and nsenter with its parent', async (t) => {
    if (!requireCorpus(t)) return;
    const { events } = await decodeFiles([corpusPath(WALK)]);
    assert.equal(events.length, 25);
    const ev = find(events, 'privileged-pod-nsenter.json');
    assert.equal(ev.action, 'exec /usr/bin/nsenter');
    assert.ok(has(ev, 'pod', 'default/privileged-pod'));
    assert.ok(has(ev, 'namespace', 'default'));
    assert.ok(has(ev, 'container', '85f791fd8dfa'));
    assert.ok(has(ev, 'image', 'docker.io/library/nginx:latest'));
    assert.ok(has(ev, 'node', 'minikube'));
    const nsenter = ev.entities.find((e) => e.type === 'process' && e.name === 'nsenter');
    const bash = ev.entities.find((e) => e.type === 'process' && e.name === 'bash');
    assert.ok(nsenter && bash);
    assert.equal(nsenter.attrs?.['cmdline'], '/usr/bin/nsenter -t 1 -m -u -n -i -p bash');
    assert.ok(ev.relations.some((r) => r.from === `process:${nsenter.id}` && r.kind === 'child-of' && r.to === `process:${bash.id}`));
  });

  it('every walk-through event, Merlin’s included, joins on the node; Merlin runs in its containers', async (t) => {
    if (!requireCorpus(t)) return;
    const { events } = await decodeFiles([corpusPath(WALK)]);
    for (const ev of events) assert.ok(has(ev, 'node', 'minikube'), ev.origin.path);
    const merlin = events.filter((e) => e.origin.path.includes('merlin-agent') && !e.origin.path.includes('container-start'));
    assert.equal(merlin.length, 17);
    for (const ev of merlin) {
      assert.ok(has(ev, 'container', 'a51959123c3b') || has(ev, 'container', '80976c957594') || has(ev, 'container', '85f791fd8dfa'), ev.origin.path);
    }
    const connect = find(events, 'merlin-agent-go-connect.json');
    assert.ok(has(connect, 'ip', '34.116.205.187'));
    assert.ok(connect.relations.some((r) => r.from === 'container:a51959123c3b' && r.kind === 'runs-in' && r.to === 'node:minikube'));
  });

  it('replayed in event time, the tree walks the escape chain back to containerd', async (t) => {
    if (!requireCorpus(t)) return;
    const stateless = { ...tetragonDecoder, createState: undefined };
    const { events } = await decodeFiles([corpusPath(WALK)], { decoders: [stateless] });
    const tree = createProcessTree();
    for (const ev of [...events].sort((a, b) => a.timeMs - b.timeMs)) tree.observe(ev);
    const cat = 'bWluaWt1YmU6MjAxODYwNzU0MjIzOToyNDc2Nw==';
    assert.deepEqual(tree.ancestors(cat).map((a) => a.binary), [
      '/usr/bin/bash',
      '/usr/bin/nsenter',
      '/bin/bash',
      '/usr/bin/runc',
      '/usr/bin/containerd-shim',
      '/usr/bin/containerd',
    ]);
    assert.equal(tree.ancestor(cat, 2)?.pid, 19009);
    assert.equal(tree.placementOf(cat)?.podName, 'privileged-pod');
    assert.equal(tree.placementOf('bWluaWt1YmU6MTIzNjg4NTMxMDgxMjoxNzAxMg==')?.containerId, undefined, 'runc runs on the host');
    // The walk-through's scp and its shell name each other as parent: the walk must still end.
    assert.ok(tree.ancestors('bWluaWt1YmU6NDczMzc5NTU0Mzc1Njo1Mzc2Ng==').length < 64);
    assert.ok(tree.size > 0 && tree.size < 40);
  });
});
