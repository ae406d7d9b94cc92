/**
 * Matches events against the indicator index and turns matches into signals with source
 * `intel`: the destination of a connection (address and port), hosts and addresses named in a
 * command line (URLs, `host:port` arguments), file hashes Tetragon's LSM hooks measure (IMA), the
 * source address of a cloud or Kubernetes API call, and the addresses in Falco alerts. The observables are read through the sources' own
 * rule fields (`fd.sip`, `proc.cmdline`, `ct.srcip`, `ka.sourceips`), declared once there.
 */

import { isPrivateIpv4 } from '../lang/ip.js';
import type { VigilEvent } from '../core/event.js';
import { stableId } from '../core/hash.js';
import { isObject } from '../core/json.js';
import type { Priority, Signal } from '../core/signal.js';
import type { FieldSpec, FieldValue } from '../lang/index.js';
import { sourceField, type RuleSourceSpec } from '../rules/load.js';
import type { Indicator, IndicatorIndex } from './indicators.js';

type Kind = 'destination' | 'port' | 'command' | 'caller' | 'file';

const RULES: Readonly<Record<Kind, string>> = {
  destination: 'Connection to an address on a threat feed',
  port: 'Connection to a port on a threat feed',
  command: 'Command line names a host on a threat feed',
  caller: 'API call from an address on a threat feed',
  file: 'File hash on a threat feed',
};

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"|;&<>()]+/gi;
/** Bare hosts and addresses in arguments: `pool.example.com:4444`, `-o 198.51.100.7`. */
const HOST_IN_TEXT = /(?:^|[\s'"=@,])((?:\d{1,3}\.){3}\d{1,3}|(?:[a-z0-9_-]+\.)+[a-z][a-z0-9-]+)(?::(\d{1,5}))?(?=$|[\s'"/,;|&])/gi;


function priorityOf(confidence: number): Priority {
  return confidence >= 85 ? 'Critical' : confidence >= 60 ? 'Warning' : 'Notice';
}

/** The first text of a field value, without a list. */
function first(v: FieldValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.length === 0 ? undefined : String(v[0]);
  return String(v);
}

/** What detect returns when nothing matches: one shared empty list. */
const NONE: Signal[] = [];
/** Command lines whose matches are kept before the cache starts over. */
const MAX_COMMANDS = 10_000;

function texts(v: FieldValue | undefined): string[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v.map(String);
  return [String(v)];
}

export interface IntelDetectorOptions {
  /** The index to match against, read per event so a refreshed feed applies at once. */
  readonly index: () => IndicatorIndex;
  /** The rule sources whose fields give the observables (`createRuleSources`). */
  readonly sources: readonly RuleSourceSpec<VigilEvent>[];
}

interface Hit {
  readonly kind: Kind;
  readonly observable: string;
  readonly indicator: Indicator;
}

function add(hits: Hit[], kind: Kind, observable: string, found: readonly Indicator[]): void {
  for (let i = 0; i < found.length; i++) hits.push({ kind, observable, indicator: found[i] as Indicator });
}

export class IntelDetector {
  readonly #index: () => IndicatorIndex;
  readonly #evtType: FieldSpec<VigilEvent> | undefined;
  readonly #sip: FieldSpec<VigilEvent> | undefined;
  readonly #sport: FieldSpec<VigilEvent> | undefined;
  readonly #cmdline: FieldSpec<VigilEvent> | undefined;
  readonly #commands = new Map<string, Hit[]>();
  /** The current event's matches (see detect). */
  readonly #hits: Hit[] = [];
  #commandsOf: IndicatorIndex | undefined;
  readonly #ctSrcip: FieldSpec<VigilEvent> | undefined;
  readonly #kaSourceips: FieldSpec<VigilEvent> | undefined;

  constructor(options: IntelDetectorOptions) {
    this.#index = options.index;
    const s = options.sources;
    this.#evtType = sourceField(s, 'syscall', 'evt.type');
    this.#sip = sourceField(s, 'syscall', 'fd.sip');
    this.#sport = sourceField(s, 'syscall', 'fd.sport');
    this.#cmdline = sourceField(s, 'syscall', 'proc.cmdline');
    this.#ctSrcip = sourceField(s, 'aws_cloudtrail', 'ct.srcip');
    this.#kaSourceips = sourceField(s, 'k8s_audit', 'ka.sourceips');
  }

  detect(e: VigilEvent): Signal[] {
    const index = this.#index();
    if (index.size === 0) return NONE;
    // One list for every event (most match nothing): emptied when the event is done.
    const hits = this.#hits;
    switch (e.source) {
      case 'tetragon': {
        // LSM hooks with IMA measurement carry the file's hash (`sha256:…`).
        const body = isObject(e.payload) ? e.payload[e.kind] : undefined;
        const ima = isObject(body) ? body['ima_hash'] : undefined;
        if (typeof ima === 'string' && ima.includes(':')) add(hits, 'file', ima, index.hash(ima.slice(ima.indexOf(':') + 1)));
        const type = first(this.#evtType?.extract(e, undefined));
        if (type === 'connect') {
          const port = this.#sport?.extract(e, undefined);
          this.#destination(hits, index, first(this.#sip?.extract(e, undefined)), typeof port === 'number' ? port : undefined);
        } else if (type === 'execve' || type === 'execveat') {
          this.#command(hits, index, first(this.#cmdline?.extract(e, undefined)));
        }
        break;
      }
      case 'cloudtrail':
        for (const ip of texts(this.#ctSrcip?.extract(e, undefined))) add(hits, 'caller', ip, index.address(ip));
        break;
      case 'k8saudit':
        for (const ip of texts(this.#kaSourceips?.extract(e, undefined))) add(hits, 'caller', ip, index.address(ip));
        break;
      case 'falco': {
        const fields = isObject(e.payload) && isObject(e.payload['output_fields']) ? e.payload['output_fields'] : {};
        const sip = fields['fd.sip'] ?? fields['fd.rip'];
        const sport = fields['fd.sport'] ?? fields['fd.rport'];
        this.#destination(hits, index, typeof sip === 'string' ? sip : undefined, typeof sport === 'number' ? sport : undefined);
        this.#command(hits, index, typeof fields['proc.cmdline'] === 'string' ? fields['proc.cmdline'] : undefined);
        break;
      }
    }
    if (hits.length === 0) return NONE;
    // Taken out first, so the list is empty for the next event whatever happens here.
    return hits.splice(0).map((h) => this.#signal(e, h.kind, h.observable, h.indicator));
  }

  #destination(hits: Hit[], index: IndicatorIndex, ip: string | undefined, port: number | undefined): void {
    if (ip === undefined) return;
    add(hits, 'destination', ip, index.address(ip));
    if (port === undefined || isPrivateIpv4(ip)) return;
    const found = index.port(port);
    if (found.length > 0) add(hits, 'port', `${ip}:${port}`, found);
  }

  /**
   * Matches of a command line, kept per line for the index they were found in: the same
   * commands run over and over (probes, jobs), and scanning one takes two regular expressions.
   */
  #command(hits: Hit[], index: IndicatorIndex, line: string | undefined): void {
    if (line === undefined || line === '') return;
    if (this.#commandsOf !== index || this.#commands.size >= MAX_COMMANDS) {
      this.#commands.clear();
      this.#commandsOf = index;
    }
    let found = this.#commands.get(line);
    if (found === undefined) {
      found = [];
      this.#scanCommand(found, index, line);
      this.#commands.set(line, found);
    }
    for (const h of found) hits.push(h);
  }

  #scanCommand(hits: Hit[], index: IndicatorIndex, line: string): void {
    const urls: string[] = [];
    for (const m of line.matchAll(URL_IN_TEXT)) {
      if (urls.includes(m[0])) continue;
      urls.push(m[0]);
      add(hits, 'command', m[0], index.url(m[0]));
    }
    const hosts: string[] = [];
    for (const m of line.matchAll(HOST_IN_TEXT)) {
      const host = (m[1] as string).toLowerCase();
      // A host already matched as part of a URL is not matched again.
      if (hosts.includes(host) || urls.some((u) => u.includes(host))) continue;
      hosts.push(host);
      add(hits, 'command', host, /^[\d.]+$/.test(host) ? index.address(host) : index.domain(host));
    }
  }

  #signal(e: VigilEvent, kind: Kind, observable: string, i: Indicator): Signal {
    const labels = i.labels.length === 0 ? '' : `; ${i.labels.join(', ')}`;
    return {
      id: `sig-${stableId('intel', [i.feed, i.type, i.value, kind, observable, e.id])}`,
      rule: RULES[kind],
      source: 'intel',
      priority: priorityOf(i.confidence),
      time: e.time,
      timeMs: e.timeMs,
      tags: [...new Set(['intel', ...i.labels])],
      entities: e.entities,
      techniques: i.techniques,
      input: e.origin,
      eventId: e.id,
      output: `${observable} matches ${i.type} ${i.value} on feed ${i.feed} (confidence ${i.confidence}${labels})${i.description === undefined ? '' : `: ${i.description}`}`,
      evidence: e.payload,
      intel: { observable, type: i.type, value: i.value, feed: i.feed, confidence: i.confidence, labels: i.labels, ...(i.description === undefined ? {} : { description: i.description }) },
    };
  }
}
