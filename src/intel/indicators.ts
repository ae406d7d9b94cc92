/**
 * Threat-intelligence indicators and the index they are matched through: addresses exactly and
 * by network, domains with their subdomains, URLs, file hashes, and destination ports. Building
 * the index is the slow part; a lookup is one or two map reads per observable.
 */

import { addressKeyOf, inCidr, parseCidr, parseIp, type AddressKey, type Cidr } from '../lang/ip.js';

export const INDICATOR_TYPES = ['ip', 'cidr', 'domain', 'url', 'md5', 'sha1', 'sha256', 'port'] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

export interface Indicator {
  readonly type: IndicatorType;
  /** Canonical value: lower-case domains and hashes, addresses as written, ports as digits. */
  readonly value: string;
  /** The feed it came from. */
  readonly feed: string;
  /** 0–100, as the feed states it (STIX, MISP) or the feed's default. */
  readonly confidence: number;
  readonly labels: readonly string[];
  /** ATT&CK techniques the feed or its labels name. */
  readonly techniques: readonly string[];
  readonly description?: string;
}

const HEX = /^[0-9a-f]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

/** The type a bare value looks like (plain lists and CSV without a type column), or undefined. */
export function classify(raw: string): { type: IndicatorType; value: string } | undefined {
  const v = raw.trim();
  if (v === '') return undefined;
  if (/^:\d{1,5}$/.test(v) && Number(v.slice(1)) <= 65535) return { type: 'port', value: v.slice(1) };
  if (v.includes('/') && !v.includes('://') && parseCidr(v) !== undefined) return { type: 'cidr', value: v };
  if (parseIp(v) !== undefined) return { type: 'ip', value: v };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return { type: 'url', value: v };
  const lower = v.toLowerCase();
  if (HEX.test(lower)) {
    if (lower.length === 32) return { type: 'md5', value: lower };
    if (lower.length === 40) return { type: 'sha1', value: lower };
    if (lower.length === 64) return { type: 'sha256', value: lower };
    return undefined;
  }
  const domain = lower.endsWith('.') ? lower.slice(0, -1) : lower;
  if (DOMAIN.test(domain)) return { type: 'domain', value: domain };
  return undefined;
}

/** The host of a URL, lower-case, or undefined. */
export function urlHost(url: string): string | undefined {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host.startsWith('[') ? host.slice(1, -1) : host;
  } catch {
    return undefined;
  }
}

/** `https://Example.com/a/` and `https://example.com/a` name the same resource. */
function normalizeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}${u.search}`;
  } catch {
    return url;
  }
}

export class IndicatorIndex {
  readonly #addresses = new Map<AddressKey, Indicator[]>();
  readonly #networks: { readonly net: Cidr; readonly indicator: Indicator }[] = [];
  readonly #domains = new Map<string, Indicator[]>();
  readonly #urls = new Map<string, Indicator[]>();
  readonly #hashes = new Map<string, Indicator[]>();
  readonly #ports = new Map<number, Indicator[]>();
  #size = 0;

  constructor(indicators: Iterable<Indicator> = []) {
    for (const i of indicators) this.add(i);
  }

  get size(): number {
    return this.#size;
  }

  add(i: Indicator): void {
    const push = <K>(m: Map<K, Indicator[]>, k: K) => {
      const list = m.get(k);
      if (list === undefined) m.set(k, [i]);
      else list.push(i);
    };
    switch (i.type) {
      case 'ip': {
        const k = addressKeyOf(i.value);
        if (k === undefined) return;
        push(this.#addresses, k);
        break;
      }
      case 'cidr': {
        const net = parseCidr(i.value);
        if (net === undefined) return;
        this.#networks.push({ net, indicator: i });
        break;
      }
      case 'domain':
        push(this.#domains, i.value);
        break;
      case 'url':
        push(this.#urls, normalizeUrl(i.value));
        break;
      case 'port':
        push(this.#ports, Number(i.value));
        break;
      default:
        push(this.#hashes, i.value);
    }
    this.#size++;
  }

  /** Indicators for an address: exact, then every listed network holding it. */
  address(text: string): readonly Indicator[] {
    const k = addressKeyOf(text);
    if (k === undefined) return [];
    const exact = this.#addresses.get(k) ?? [];
    if (this.#networks.length === 0) return exact;
    const ip = parseIp(text);
    const nets = ip === undefined ? [] : this.#networks.filter((n) => inCidr(ip, n.net)).map((n) => n.indicator);
    return nets.length === 0 ? exact : [...exact, ...nets];
  }

  /** Indicators for a domain or any domain it is under (`x.pool.example` matches `pool.example`). */
  domain(name: string): readonly Indicator[] {
    let d = name.toLowerCase();
    if (d.endsWith('.')) d = d.slice(0, -1);
    const out: Indicator[] = [];
    for (;;) {
      const hit = this.#domains.get(d);
      if (hit !== undefined) out.push(...hit);
      const dot = d.indexOf('.');
      if (dot < 0) return out;
      d = d.slice(dot + 1);
    }
  }

  /** Indicators for a URL: the URL itself, then its host as a domain or address. */
  url(url: string): readonly Indicator[] {
    const exact = this.#urls.get(normalizeUrl(url)) ?? [];
    const host = urlHost(url);
    if (host === undefined) return exact;
    const byHost = parseIp(host) !== undefined ? this.address(host) : this.domain(host);
    return byHost.length === 0 ? exact : [...exact, ...byHost];
  }

  hash(hex: string): readonly Indicator[] {
    return this.#hashes.get(hex.toLowerCase()) ?? [];
  }

  port(port: number): readonly Indicator[] {
    return this.#ports.get(port) ?? [];
  }
}
