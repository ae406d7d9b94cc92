/**
 * A small vocabulary for writing scenarios as stories: "at +2 s the web server starts a shell,
 * which downloads a file, then connects out". Each call adds the records the real agents would
 * write for that step, in their formats.
 */

import { child, type ChildPlacement, type PidAllocator } from './benign/runtime.js';
import type { AwsPrincipal, Environment, K8sIdentity, Pod } from './model.js';
import { cloudTrailRecord, type ApiCall } from './records/cloudtrail.js';
import { falcoAlert, type FalcoAlertSpec } from './records/falco.js';
import { auditEvent, type AuditRequest } from './records/k8saudit.js';
import { fileAccess, fileOpen, kprobe, mainOf, processExec, processExit, tcpConnect, type SimProcess } from './records/tetragon.js';
import type { ScenarioContext, ScenarioEmission } from './scenario.js';
import { AUDIT_STREAM } from './benign/k8s.js';

export class Script {
  readonly out: ScenarioEmission[] = [];
  readonly env: Environment;
  readonly #ctx: ScenarioContext;
  readonly #pids: PidAllocator;

  constructor(ctx: ScenarioContext) {
    this.#ctx = ctx;
    this.env = ctx.env;
    this.#pids = ctx.pids;
  }

  /** Absolute event time `seconds` after the scenario's start. */
  at(seconds: number): number {
    return this.#ctx.startMs + seconds * 1000;
  }

  /** The first pod of a workload (by name), or throws: scenarios name real workloads. */
  pod(workload: string, index = 0): Pod {
    const pods = this.env.pods.filter((p) => p.workload.name === workload);
    const pod = pods[index % Math.max(1, pods.length)];
    if (pod === undefined) throw new Error(`scenario needs workload ${workload}, which the environment lacks`);
    return pod;
  }

  /** The pod's main process (the server an exploit lands in). */
  main(pod: Pod): SimProcess {
    return mainOf(pod);
  }

  #runtime(p: SimProcess, t: number, record: Record<string, unknown>): void {
    this.out.push({ source: 'tetragon', timeMs: t, stream: p.node.name, record });
  }

  /**
   * `parent` starts `binary args` at +`seconds`; returns the new process. `at.pod` puts a
   * process started from the host (runc, nsenter) into that pod's container.
   */
  exec(parent: SimProcess, seconds: number, binary: string, args: string, at: ChildPlacement = {}): SimProcess {
    const p = child(this.#pids, parent, binary, args, this.at(seconds), at);
    this.#runtime(p, p.startMs, processExec(p));
    return p;
  }

  exit(p: SimProcess, seconds: number, status = 0): void {
    const t = this.at(seconds);
    this.#runtime(p, t, processExit(p, t, status));
  }

  read(p: SimProcess, seconds: number, path: string): void {
    this.#runtime(p, this.at(seconds), fileAccess(p, this.at(seconds), path, false));
  }

  write(p: SimProcess, seconds: number, path: string): void {
    this.#runtime(p, this.at(seconds), fileAccess(p, this.at(seconds), path, true));
  }

  open(p: SimProcess, seconds: number, path: string, fd = 3): void {
    this.#runtime(p, this.at(seconds), fileOpen(p, this.at(seconds), path, fd));
  }

  connect(p: SimProcess, seconds: number, ip: string, port: number): void {
    this.#runtime(p, this.at(seconds), tcpConnect(p, this.at(seconds), ip, port, this.#ctx.random.int(32768, 60999)));
  }

  /** Any other kprobe, with Tetragon's argument objects. */
  kprobe(p: SimProcess, seconds: number, fn: string, args: readonly object[], policy: string, ret?: object): void {
    this.#runtime(p, this.at(seconds), kprobe(p, this.at(seconds), fn, args, policy, ret));
  }

  /** An alert from the node's Falco agent about `p`. */
  falco(p: SimProcess, seconds: number, spec: FalcoAlertSpec): void {
    this.out.push({ source: 'falco', timeMs: this.at(seconds), stream: p.node.name, record: falcoAlert(p, this.at(seconds), spec) });
  }

  audit(who: K8sIdentity, seconds: number, q: AuditRequest): void {
    this.out.push({ source: 'k8saudit', timeMs: this.at(seconds), stream: AUDIT_STREAM, record: auditEvent(this.#ctx.random, who, this.at(seconds), q) });
  }

  cloud(who: AwsPrincipal, seconds: number, call: ApiCall): void {
    this.out.push({ source: 'cloudtrail', timeMs: this.at(seconds), stream: this.env.region, record: cloudTrailRecord(this.#ctx.random, this.env, who, this.at(seconds), call) });
  }
}
