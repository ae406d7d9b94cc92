/**
 * Behavioural baselines: a profile per workload, host and principal learns what it normally
 * does (executables, process lineage, destinations, user ids; networks, clients, APIs, hours,
 * data volume), and once it has learned for long enough, something new or far above its own norm
 * becomes an `anomaly` signal. Each anomaly alone is only a signal: the holiday login and the
 * yearly report are anomalies, not attacks; correlation decides.
 *
 * Scores say how much a novelty means: a profile that has not learned anything new for a long
 * time (stable) and a value none of its peers (the same image elsewhere, the same role's other
 * sessions) has shown score near 1; a profile still changing, or a value peers show, near 0.
 *
 * Everything is event time, so the same input gives the same signals; memory is bounded (values
 * per feature, profiles in all, hours of volume kept), and values unseen for the retention are
 * forgotten, so profiles follow change. Feedback (an analyst's "false positive") pins the value
 * into the profile, or raises the volume allowance, so the same benign behaviour stays quiet.
 */

import type { VigilEvent } from '../core/event.js';
import { stableId } from '../core/hash.js';
import type { AnomalyDetail, Priority, Signal } from '../core/signal.js';
import { CMDLINE_THRESHOLD, cmdlineScore } from './cmdline.js';
import { CMDLINE_WEIGHTS } from './cmdline-weights.js';
import { FeatureSet, type FeatureSetJson } from './features.js';
import type { Feature, Observation } from './observe.js';

/** Turns an event into what profiles learn (`Observer`). */
export interface Observing {
  observe(e: VigilEvent): Observation | undefined;
}

const HOUR = 3_600_000;
/** How far above a burst marked normal the principal's hours may go before being reported again. */
const BURST_FEEDBACK_FACTOR = 10;
const DAY = 24 * HOUR;
/** What detect returns when there is nothing to say: one shared empty list, no allocation. */
const NONE: Signal[] = [];
/** Command-line scores kept before the cache starts over. */
const MAX_SCORES = 10_000;

export interface BaselineOptions {
  /** Event time a profile learns before it reports anything. Default 1 h. */
  readonly learnMs?: number;
  /** Events a profile learns from before it reports anything. Default 20. */
  readonly minEvents?: number;
  /** How fast a profile counts as stable after it last learned something. Default 1 h. */
  readonly stabilityMs?: number;
  /** Lowest score reported. Default 0.5. */
  readonly threshold?: number;
  /** Values unseen this long are forgotten. Default 30 days. */
  readonly retentionMs?: number;
  /** Values kept per feature. Default 256. */
  readonly maxValues?: number;
  /** Profiles kept (least recently active go first). Default 200 000. */
  readonly maxProfiles?: number;
  /** An hour's data volume is reported above max(this, factor × the hourly median + factor × MAD). Default 100 MB. */
  readonly volumeMinBytes?: number;
  readonly volumeFactor?: number;
  /** Resources created in an hour are reported above max(this, factor × (the hourly median + MAD)). Default 5. */
  readonly creationsMin?: number;
  /** History needed before hourly bursts (volume, creations) and hours of the week are judged. Defaults 3 h and 7 days. */
  readonly volumeHistoryMs?: number;
  readonly hoursHistoryMs?: number;
}

interface Profile {
  readonly key: string;
  readonly kind: Observation['kind'];
  readonly name: string;
  readonly peers: string;
  firstMs: number;
  lastMs: number;
  events: number;
  /** When it last learned a value (not counting values it reported). */
  lastNewMs: number;
  lastForgetMs: number;
  /** When it was last moved to the recent end of the eviction order. */
  movedMs: number;
  readonly features: Map<Feature, FeatureSet>;
  /** Hours of the week it was active in (168 flags). */
  hours: number[];
  /** Hourly totals: bytes out, resources created. */
  readonly series: Record<Series, HourlySeries>;
  /** Command lines already reported by the command-line model (a young profile's). */
  readonly cmdlines: Set<string>;
}

/** What a principal does per hour that can burst: data moved out, resources created. */
type Series = 'volume' | 'creations';
type Reported = Feature | Series | 'hour' | 'cmdline';

interface HourlySeries {
  /** Hour index → total, the last 14 days. */
  readonly hours: Map<number, number>;
  /** The hour last reported, so one hour is reported once. */
  reported: number;
  /** What an analyst said is normal for an hour. */
  allowance: number;
}

interface HourlySeriesJson {
  readonly hours: readonly (readonly [number, number])[];
  readonly reported: number;
  readonly allowance: number;
}

function emptySeries(allowance = 0): HourlySeries {
  return { hours: new Map(), reported: -1, allowance };
}

export interface BaselineJson {
  readonly version: 1;
  /** Analysts' feedback: `profile \0 feature \0 value` and hourly volume allowances. */
  readonly known?: readonly string[];
  readonly allowances?: readonly (readonly [string, number])[];
  readonly profiles: readonly {
    readonly key: string; readonly kind: Observation['kind']; readonly name: string; readonly peers: string;
    readonly firstMs: number; readonly lastMs: number; readonly events: number; readonly lastNewMs: number;
    readonly features: Readonly<Record<string, FeatureSetJson>>; readonly hours: readonly number[];
    readonly series: Readonly<Record<Series, HourlySeriesJson>>;
  }[];
}

const RULES: Readonly<Record<Reported, { workload: string; host: string; principal: string }>> = {
  exec: { workload: 'New executable in workload', host: 'New executable on host', principal: 'New executable' },
  lineage: { workload: 'New process lineage in workload', host: 'New process lineage on host', principal: 'New process lineage' },
  destination: { workload: 'New outbound destination for workload', host: 'New outbound destination for host', principal: 'New outbound destination' },
  uid: { workload: 'New user id in workload', host: 'New user id on host', principal: 'New user id' },
  network: { workload: 'Unseen network', host: 'Unseen network', principal: 'Principal active from an unseen network' },
  agent: { workload: 'Unseen client', host: 'Unseen client', principal: 'Principal using an unseen client' },
  api: { workload: 'First use of an API', host: 'First use of an API', principal: 'First use of an API by principal' },
  resource: { workload: 'New resource', host: 'New resource', principal: 'Principal touched a resource it never used' },
  volume: { workload: 'Data volume above baseline', host: 'Data volume above baseline', principal: "Data volume far above the principal's baseline" },
  creations: { workload: 'Burst of resource creation', host: 'Burst of resource creation', principal: 'Burst of resource creation by principal' },
  hour: { workload: 'Unusual hour', host: 'Unusual hour', principal: 'Principal active at an unusual hour' },
  cmdline: { workload: 'Command line resembles attack tooling', host: 'Command line resembles attack tooling', principal: 'Command line resembles attack tooling' },
};

const TECHNIQUES: Readonly<Partial<Record<Reported, readonly string[]>>> = {
  network: ['T1078'],
  agent: ['T1078'],
  hour: ['T1078'],
  volume: ['T1530'],
  creations: ['T1578.002'],
};

function duration(ms: number): string {
  if (ms >= 2 * DAY) return `${Math.round(ms / DAY)} days`;
  if (ms >= 2 * HOUR) return `${Math.round(ms / HOUR)} h`;
  return `${Math.max(1, Math.round(ms / 60_000))} min`;
}

function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let x = n;
  while (x >= 1000 && i < units.length - 1) {
    x /= 1000;
    i++;
  }
  return `${x >= 100 || i === 0 ? Math.round(x) : x.toFixed(1)} ${units[i] as string}`;
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function hourOfWeek(ms: number): number {
  const d = new Date(ms);
  return d.getUTCDay() * 24 + d.getUTCHours();
}

export class Baseliner {
  readonly #observer: Observing;
  readonly #o: Required<BaselineOptions>;
  readonly #profiles = new Map<string, Profile>();
  readonly #peers = new Map<string, Set<string>>();
  /** `profile \0 feature \0 value` an analyst marked as normal (kept for profiles not yet seen). */
  readonly #known = new Set<string>();
  readonly #scores = new Map<string, number>();
  /** Hourly totals an analyst marked as normal, by `profile \0 series` (for profiles not yet seen too). */
  readonly #allowances = new Map<string, number>();

  constructor(observer: Observing, options: BaselineOptions = {}) {
    this.#observer = observer;
    this.#o = {
      learnMs: options.learnMs ?? HOUR,
      minEvents: options.minEvents ?? 20,
      stabilityMs: options.stabilityMs ?? HOUR,
      threshold: options.threshold ?? 0.5,
      retentionMs: options.retentionMs ?? 30 * DAY,
      maxValues: options.maxValues ?? 256,
      maxProfiles: options.maxProfiles ?? 200_000,
      volumeMinBytes: options.volumeMinBytes ?? 100_000_000,
      volumeFactor: options.volumeFactor ?? 10,
      creationsMin: options.creationsMin ?? 5,
      volumeHistoryMs: options.volumeHistoryMs ?? 3 * HOUR,
      hoursHistoryMs: options.hoursHistoryMs ?? 7 * DAY,
    };
  }

  /**
   * The model's score of a command line, kept (a few thousand, then forgotten at once): young
   * profiles see the same commands over and over, and scoring tokenizes the whole line.
   */
  #cmdlineScore(cmdline: string): number {
    let score = this.#scores.get(cmdline);
    if (score === undefined) {
      if (this.#scores.size >= MAX_SCORES) this.#scores.clear();
      score = cmdlineScore(CMDLINE_WEIGHTS, cmdline);
      this.#scores.set(cmdline, score);
    }
    return score;
  }

  /** Profiles held. */
  get size(): number {
    return this.#profiles.size;
  }

  detect(e: VigilEvent): Signal[] {
    const o = this.#observer.observe(e);
    if (o === undefined) return NONE;
    const t = e.timeMs;
    const p = this.#touch(o, t);
    const mature = t - p.firstMs >= this.#o.learnMs && p.events > this.#o.minEvents;
    // Most events add nothing: no list is made for them.
    let out: Signal[] | undefined;
    const known = o.known;
    if (known !== undefined) {
      for (const [feature, value] of known) {
        let set = p.features.get(feature);
        if (set === undefined) p.features.set(feature, (set = new FeatureSet(this.#o.maxValues)));
        if (set.see(value, t)) p.lastNewMs = t;
      }
    }
    for (const [feature, value] of o.features) {
      let set = p.features.get(feature);
      if (set === undefined) p.features.set(feature, (set = new FeatureSet(this.#o.maxValues)));
      if (set.has(value)) {
        set.see(value, t);
        continue;
      }
      if (!mature || this.#known.has(`${p.key}\u0000${feature}\u0000${value}`)) {
        set.see(value, t);
        p.lastNewMs = t;
        continue;
      }
      const stable = 1 - Math.exp(-(t - p.lastNewMs) / this.#o.stabilityMs);
      const { having, of } = this.#peersHaving(p, feature, value);
      const score = stable / (1 + having);
      // Learned either way: a novelty is reported once.
      set.see(value, t);
      if (score < this.#o.threshold) continue;
      const baseline = `first time in ${duration(t - p.firstMs)} of history (${p.events} events), nothing new for ${duration(t - p.lastNewMs)}; ${having} of ${of} peers have shown it`;
      (out ??= []).push(this.#signal(e, p, feature, value, score, baseline, `${p.name}: ${feature} ${value} for the first time`));
    }
    // Too young to judge novelty (a workload just created): what the command line looks like.
    // (Feedback is rare: the key is only built when there is some.)
    if (!mature && o.cmdline !== undefined && !p.cmdlines.has(o.cmdline) && !(this.#known.size > 0 && this.#known.has(`${p.key}\u0000cmdline\u0000${o.cmdline}`))) {
      const score = this.#cmdlineScore(o.cmdline);
      if (score >= CMDLINE_THRESHOLD) {
        // Once per profile: the same command on every node of a DaemonSet is one finding.
        if (p.cmdlines.size < 64) p.cmdlines.add(o.cmdline);
        (out ??= []).push(this.#signal(e, p, 'cmdline', o.cmdline, score, `a profile of ${p.events} events over ${duration(t - p.firstMs)}, too young to judge; the command-line model scores it ${score.toFixed(2)}`, `${p.name}: ${o.cmdline.slice(0, 160)} looks like attack tooling`));
      }
    }
    if (p.kind === 'principal' && mature) {
      const hourSignal = this.#hour(e, p, t);
      if (hourSignal !== undefined) (out ??= []).push(hourSignal);
    }
    if (o.bytesOut !== undefined) {
      const v = this.#burst(e, p, t, 'volume', o.bytesOut, mature);
      if (v !== undefined) (out ??= []).push(v);
    }
    if (o.creates !== undefined) {
      const c = this.#burst(e, p, t, 'creations', o.creates, mature);
      if (c !== undefined) (out ??= []).push(c);
    }
    return out ?? NONE;
  }

  /** An analyst's "false positive" on an anomaly: the value becomes normal for the profile. */
  feedback(detail: Pick<AnomalyDetail, 'profile' | 'feature' | 'value'>): void {
    const p = this.#profiles.get(detail.profile);
    if (detail.feature === 'volume' || detail.feature === 'creations') {
      const allowed = Number(detail.value);
      if (!Number.isFinite(allowed)) return;
      // The value is the hour's total when it crossed the limit, not the hour's end: allow an
      // order of magnitude above it, so the rest of that burst (and next year's, a little
      // bigger) stays quiet while one ten times larger is still reported.
      const key = `${detail.profile}\u0000${detail.feature}`;
      const allowance = Math.max(this.#allowances.get(key) ?? 0, allowed * BURST_FEEDBACK_FACTOR);
      this.#allowances.set(key, allowance);
      if (p !== undefined) p.series[detail.feature].allowance = Math.max(p.series[detail.feature].allowance, allowance);
      return;
    }
    this.#known.add(`${detail.profile}\u0000${detail.feature}\u0000${detail.value}`);
    if (detail.feature === 'hour') {
      const h = Number(detail.value);
      if (p !== undefined && Number.isInteger(h) && h >= 0 && h < 168) p.hours[h] = 1;
      return;
    }
    p?.features.get(detail.feature as Feature)?.pin(detail.value, p.lastMs);
  }

  #touch(o: Observation, t: number): Profile {
    let p = this.#profiles.get(o.profile);
    if (p === undefined) {
      p = {
        key: o.profile, kind: o.kind, name: o.name, peers: o.peers, firstMs: t, lastMs: t, events: 0, lastNewMs: t, lastForgetMs: t, movedMs: t,
        features: new Map(), hours: [],
        series: { volume: emptySeries(this.#allowances.get(`${o.profile}\u0000volume`)), creations: emptySeries(this.#allowances.get(`${o.profile}\u0000creations`)) },
        cmdlines: new Set(),
      };
      this.#add(p);
    } else if (t - p.movedMs > 60_000) {
      // Most recently active last, so the first entry is the one to evict; moved at most once a
      // minute of event time, which keeps the order close enough at a fraction of the cost.
      p.movedMs = t;
      this.#profiles.delete(o.profile);
      this.#profiles.set(o.profile, p);
    }
    p.events++;
    if (t > p.lastMs) p.lastMs = t;
    if (t - p.lastForgetMs > DAY) {
      p.lastForgetMs = t;
      for (const s of p.features.values()) s.forget(t - this.#o.retentionMs);
    }
    return p;
  }

  #add(p: Profile): void {
    if (this.#profiles.size >= this.#o.maxProfiles) {
      const oldest = this.#profiles.keys().next().value;
      if (oldest !== undefined) {
        const gone = this.#profiles.get(oldest);
        this.#profiles.delete(oldest);
        if (gone !== undefined) this.#peers.get(gone.peers)?.delete(oldest);
      }
    }
    this.#profiles.set(p.key, p);
    let peers = this.#peers.get(p.peers);
    if (peers === undefined) this.#peers.set(p.peers, (peers = new Set()));
    peers.add(p.key);
  }

  /** How many of the profile's peers (at most 64 looked at) have shown the value. */
  #peersHaving(p: Profile, feature: Feature, value: string): { having: number; of: number } {
    let having = 0;
    let of = 0;
    for (const key of this.#peers.get(p.peers) ?? []) {
      if (key === p.key) continue;
      if (++of > 64) break;
      if (this.#profiles.get(key)?.features.get(feature)?.has(value) === true) having++;
    }
    return { having, of: Math.min(of, 64) };
  }

  #hour(e: VigilEvent, p: Profile, t: number): Signal | undefined {
    const h = hourOfWeek(t);
    const known = p.hours[h] === 1 || this.#known.has(`${p.key}\u0000hour\u0000${h}`);
    p.hours[h] = 1;
    if (known || t - p.firstMs < this.#o.hoursHistoryMs) return undefined;
    // An hour next to a usual one is not unusual (a late evening, an early start).
    if (p.hours[(h + 167) % 168] === 1 || p.hours[(h + 1) % 168] === 1) return undefined;
    const active = p.hours.filter((x) => x === 1).length - 1;
    const score = Math.min(1, (168 - active) / 168 + 0.2);
    if (score < this.#o.threshold) return undefined;
    const at = new Date(t);
    const when = `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][at.getUTCDay()] as string} ${String(at.getUTCHours()).padStart(2, '0')}:00 UTC`;
    return this.#signal(e, p, 'hour', String(h), score, `active in ${active} of the week's 168 hours over ${duration(t - p.firstMs)}, never at this hour or next to it`, `${p.name}: active on ${when}, an hour it never works`);
  }

  /** An hour's total far above the principal's own hours: data out, or resources created. */
  #burst(e: VigilEvent, p: Profile, t: number, series: Series, n: number, mature: boolean): Signal | undefined {
    const hour = Math.floor(t / HOUR);
    const sr = p.series[series];
    const total = (sr.hours.get(hour) ?? 0) + n;
    sr.hours.set(hour, total);
    for (const k of sr.hours.keys()) if (k < hour - 14 * 24) sr.hours.delete(k);
    if (!mature || t - p.firstMs < this.#o.volumeHistoryMs || sr.reported === hour) return undefined;
    // The hours since the profile began (at most 14 days), idle hours counting as 0.
    const from = Math.max(Math.floor(p.firstMs / HOUR), hour - 14 * 24);
    const history: number[] = [];
    for (let k = from; k < hour; k++) history.push(sr.hours.get(k) ?? 0);
    const med = median(history);
    const mad = median(history.map((x) => Math.abs(x - med)));
    const floor = series === 'volume' ? this.#o.volumeMinBytes : this.#o.creationsMin - 1;
    const limit = Math.max(floor, this.#o.volumeFactor * (med + mad), sr.allowance);
    if (total <= limit) return undefined;
    sr.reported = hour;
    const show = series === 'volume' ? bytes : (x: number) => `${Math.round(x * 10) / 10} created`;
    const ratio = med > 0 ? `${Math.round(total / med)}× the hourly median of ${show(med)}` : `against an hourly median of ${show(0)}`;
    const score = Math.min(1, 0.5 + Math.log10(total / Math.max(1, limit)) / 2);
    const what = series === 'volume' ? `${bytes(total)} out in an hour` : `${total} resources created in an hour`;
    return this.#signal(e, p, series, String(total), score, `${show(total)} this hour, ${ratio} over ${history.length} h`, `${p.name}: ${what}, ${ratio}`);
  }

  #signal(e: VigilEvent, p: Profile, feature: Reported, value: string, score: number, baseline: string, text: string): Signal {
    const rule = RULES[feature][p.kind];
    const anomaly: AnomalyDetail = { profile: p.key, feature, value, score: Math.round(score * 100) / 100, baseline };
    const priority: Priority = score >= 0.8 || feature === 'volume' || feature === 'creations' ? 'Warning' : 'Notice';
    return {
      id: `sig-${stableId('anomaly', [p.key, feature, value, e.id])}`,
      rule,
      source: 'anomaly',
      priority,
      time: e.time,
      timeMs: e.timeMs,
      tags: ['anomaly', p.kind, feature],
      entities: e.entities,
      techniques: TECHNIQUES[feature] ?? [],
      input: e.origin,
      eventId: e.id,
      output: `${text} (${baseline}; score ${anomaly.score})`,
      evidence: e.payload,
      anomaly,
    };
  }

  toJSON(): BaselineJson {
    return {
      version: 1,
      known: [...this.#known],
      allowances: [...this.#allowances],
      profiles: [...this.#profiles.values()].map((p) => ({
        key: p.key, kind: p.kind, name: p.name, peers: p.peers, firstMs: p.firstMs, lastMs: p.lastMs, events: p.events, lastNewMs: p.lastNewMs,
        features: Object.fromEntries([...p.features].map(([f, s]) => [f, s.toJSON()])),
        hours: p.hours.flatMap((x, i) => (x === 1 ? [i] : [])),
        series: {
          volume: { hours: [...p.series.volume.hours], reported: p.series.volume.reported, allowance: p.series.volume.allowance },
          creations: { hours: [...p.series.creations.hours], reported: p.series.creations.reported, allowance: p.series.creations.allowance },
        },
      })),
    };
  }

  /** Restores profiles saved by `toJSON` (a later run continues learning from them). */
  load(j: BaselineJson): void {
    if (j.version !== 1 || !Array.isArray(j.profiles)) throw new Error('not a Vigil baseline file (version 1 with profiles)');
    for (const k of j.known ?? []) this.#known.add(k);
    for (const [k, v] of j.allowances ?? []) this.#allowances.set(k, v);
    for (const s of j.profiles) {
      const hours: number[] = [];
      for (const h of s.hours) hours[h] = 1;
      this.#add({
        key: s.key, kind: s.kind, name: s.name, peers: s.peers, firstMs: s.firstMs, lastMs: s.lastMs, events: s.events, lastNewMs: s.lastNewMs, lastForgetMs: s.lastMs, movedMs: s.lastMs,
        features: new Map(Object.entries(s.features).map(([f, fs]): [Feature, FeatureSet] => [f as Feature, FeatureSet.fromJSON(fs as FeatureSetJson)])),
        hours,
        series: {
          volume: { hours: new Map(s.series.volume.hours), reported: s.series.volume.reported, allowance: s.series.volume.allowance },
          creations: { hours: new Map(s.series.creations.hours), reported: s.series.creations.reported, allowance: s.series.creations.allowance },
        },
        cmdlines: new Set(),
      });
    }
  }
}
