/** Benign look-alikes: normal work that resembles an attack and must not become one. */

import { officeTime, type BenignScenario } from '../scenario.js';
import { Script } from '../script.js';
import { shimOf } from '../records/tetragon.js';

/** An admin opens a shell in a pod to look at its config, in working hours. */
const adminExec: BenignScenario = {
  kind: 'benign',
  id: 'benign-admin-kubectl-exec',
  resembles: 'intrusion',
  title: "An admin's kubectl exec during working hours",
  description:
    'alice@acme.io (cluster admin, from the office address) runs `kubectl exec -it` into an orders-api pod on a weekday morning, looks at processes and the config file, and leaves. Falco reports the terminal shell; the audit log has the exec.',
  techniques: ['T1609', 'T1059.004'],
  durationMs: 3 * 60_000,
  placeAt: (ms) => officeTime(ms),
  build(ctx) {
    const s = new Script(ctx);
    const pod = s.pod('orders-api');
    const admin = ctx.env.admins[0];
    if (admin === undefined) throw new Error('the environment has no admin');
    s.audit(admin, 0, { verb: 'create', resource: 'pods', namespace: pod.workload.namespace, name: pod.name, subresource: 'exec', query: `command=%2Fbin%2Fsh&container=${pod.workload.container}&stdin=true&stdout=true&tty=true` });
    const runc = s.exec(shimOf(pod), 0.3, '/usr/bin/runc', `--root /run/containerd/runc/k8s.io exec --process /tmp/runc-process --detach --pid-file /run/containerd/${pod.containerId}.pid ${pod.containerId}`, { uid: 0 });
    const sh = s.exec(runc, 0.5, '/bin/sh', '', { pod, uid: 0, cwd: '/app' });
    s.falco(sh, 0.6, { rule: 'Terminal shell in container', priority: 'Notice', text: 'A shell was spawned in a container with an attached terminal', tags: ['T1059', 'container', 'maturity_stable', 'mitre_execution', 'shell'], fields: { 'evt.type': 'execve', 'proc.tty': 34816 } });
    const ps = s.exec(sh, 20, '/bin/ps', 'aux');
    s.exit(ps, 20.1);
    const cat = s.exec(sh, 45, '/bin/cat', '/app/orders/settings.py');
    s.read(cat, 45.01, '/app/orders/settings.py');
    s.exit(cat, 45.05);
    s.exit(sh, 150);
    s.exit(runc, 150.1);
    return s.out;
  },
};

export const BENIGN: readonly BenignScenario[] = [adminExec];
