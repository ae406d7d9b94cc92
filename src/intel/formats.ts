/**
 * Indicator feed formats: plain lists (one value per line, `#` comments), CSV with a header,
 * STIX 2.1 bundles (indicators with STIX patterns over addresses, domains, URLs and file
 * hashes) and MISP event JSON (attributes of the event and of its objects). Each parser returns
 * the indicators it understood and a problem per entry it could not, with its line or index; a
 * document that cannot be read at all throws a FeedError.
 */

import { parse as parseCsvText } from 'csv-parse/sync';
import { isObject, type JsonObject } from '../core/json.js';
import { classify, type Indicator, type IndicatorType } from './indicators.js';

export const FEED_FORMATS = ['plain', 'csv', 'stix', 'misp'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

export interface FeedProblem {
  /** 1-based line (plain, CSV) or `objects[3]` / `Attribute[7]` (STIX, MISP). */
  readonly where: string;
  readonly message: string;
}

export interface ParsedFeed {
  readonly indicators: Indicator[];
  readonly problems: FeedProblem[];
}

export class FeedError extends Error {
  readonly code = 'INTEL_FEED_INVALID';
}

export interface FeedDefaults {
  readonly feed: string;
  readonly confidence: number;
  readonly labels: readonly string[];
}

const TECHNIQUE = /^T\d{4}(?:\.\d{3})?$/;

function indicator(d: FeedDefaults, type: IndicatorType, value: string, extra: { confidence?: number; labels?: readonly string[]; description?: string } = {}): Indicator {
  const labels = [...new Set([...d.labels, ...(extra.labels ?? [])])];
  return {
    type,
    value,
    feed: d.feed,
    confidence: Math.max(0, Math.min(100, extra.confidence ?? d.confidence)),
    labels,
    techniques: labels.filter((l) => TECHNIQUE.test(l)),
    ...(extra.description === undefined ? {} : { description: extra.description }),
  };
}

export function parsePlain(text: string, d: FeedDefaults): ParsedFeed {
  const indicators: Indicator[] = [];
  const problems: FeedProblem[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const c = classify(line);
    if (c === undefined) problems.push({ where: `line ${i + 1}`, message: `not an address, network, domain, URL, hash or :port: ${JSON.stringify(line.slice(0, 80))}` });
    else indicators.push(indicator(d, c.type, c.value));
  });
  return { indicators, problems };
}

const VALUE_COLUMNS = ['indicator', 'value', 'ioc', 'ip', 'domain', 'url', 'hash'];

export function parseCsv(text: string, d: FeedDefaults): ParsedFeed {
  let rows: Record<string, string>[];
  try {
    rows = parseCsvText(text, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, comment: '#', relax_column_count: true, trim: true }) as Record<string, string>[];
  } catch (err) {
    throw new FeedError(`not valid CSV: ${err instanceof Error ? err.message : String(err)}`);
  }
  const first = rows[0];
  const column = first === undefined ? undefined : VALUE_COLUMNS.find((c) => c in first);
  if (first !== undefined && column === undefined) throw new FeedError(`no indicator column; the header needs one of ${VALUE_COLUMNS.join(', ')}`);
  const indicators: Indicator[] = [];
  const problems: FeedProblem[] = [];
  rows.forEach((row, i) => {
    const where = `row ${i + 2}`;
    const value = row[column as string] ?? '';
    const c = classify(value);
    if (c === undefined) {
      problems.push({ where, message: `not an address, network, domain, URL, hash or :port: ${JSON.stringify(value.slice(0, 80))}` });
      return;
    }
    const conf = row['confidence'] === undefined || row['confidence'] === '' ? undefined : Number(row['confidence']);
    if (conf !== undefined && !Number.isFinite(conf)) {
      problems.push({ where, message: `confidence is not a number: ${JSON.stringify(row['confidence'])}` });
      return;
    }
    const labels = (row['labels'] ?? row['tags'] ?? '').split(/[;|]/).map((l) => l.trim()).filter((l) => l !== '');
    const description = row['description'] ?? row['comment'];
    indicators.push(indicator(d, c.type, c.value, { ...(conf === undefined ? {} : { confidence: conf }), labels, ...(description ? { description } : {}) }));
  });
  return { indicators, problems };
}

/** STIX pattern comparisons Vigil can match: `[type:prop = 'value']`, joined with OR. */
const STIX_TERM = /([a-z0-9-]+):([a-z0-9_.'\-\s[\]]+?)\s*=\s*'((?:[^'\\]|\\.)*)'/gi;

const STIX_PATHS: Readonly<Record<string, IndicatorType>> = {
  'ipv4-addr:value': 'ip',
  'ipv6-addr:value': 'ip',
  'domain-name:value': 'domain',
  'url:value': 'url',
  "file:hashes.md5": 'md5',
  "file:hashes.'md5'": 'md5',
  "file:hashes.'sha-1'": 'sha1',
  "file:hashes.sha1": 'sha1',
  "file:hashes.'sha-256'": 'sha256',
  "file:hashes.sha256": 'sha256',
};

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FeedError(`not valid JSON (${what}): ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function parseStix(text: string, d: FeedDefaults): ParsedFeed {
  const doc = parseJson(text, 'a STIX 2.1 bundle');
  if (!isObject(doc) || doc['type'] !== 'bundle' || !Array.isArray(doc['objects'])) throw new FeedError('not a STIX bundle (an object with "type": "bundle" and "objects")');
  const indicators: Indicator[] = [];
  const problems: FeedProblem[] = [];
  doc['objects'].forEach((o, i) => {
    if (!isObject(o) || o['type'] !== 'indicator') return;
    const where = `objects[${i}]`;
    if (o['revoked'] === true) return;
    const pattern = o['pattern'];
    if (typeof pattern !== 'string' || (o['pattern_type'] !== undefined && o['pattern_type'] !== 'stix')) {
      problems.push({ where, message: 'indicator without a STIX pattern' });
      return;
    }
    const labels = [...(Array.isArray(o['labels']) ? o['labels'] : []), ...(Array.isArray(o['indicator_types']) ? o['indicator_types'] : [])].filter((l): l is string => typeof l === 'string');
    const conf = typeof o['confidence'] === 'number' ? o['confidence'] : undefined;
    const description = typeof o['name'] === 'string' ? o['name'] : typeof o['description'] === 'string' ? o['description'] : undefined;
    let found = 0;
    for (const m of pattern.matchAll(STIX_TERM)) {
      const path = `${(m[1] as string).toLowerCase()}:${(m[2] as string).trim().toLowerCase()}`;
      const type = STIX_PATHS[path];
      if (type === undefined) continue;
      const value = (m[3] as string).replace(/\\(.)/g, '$1');
      const c = type === 'ip' ? classify(value) : { type, value: type === 'url' ? value : value.toLowerCase() };
      if (c === undefined) continue;
      indicators.push(indicator(d, c.type, c.value, { ...(conf === undefined ? {} : { confidence: conf }), labels, ...(description === undefined ? {} : { description }) }));
      found++;
    }
    if (found === 0) problems.push({ where, message: `no address, domain, URL or file hash in pattern ${JSON.stringify(pattern.slice(0, 120))}` });
  });
  return { indicators, problems };
}

const MISP_TYPES: Readonly<Record<string, IndicatorType>> = {
  'ip-dst': 'ip', 'ip-src': 'ip', 'ip': 'ip', 'domain': 'domain', 'hostname': 'domain', 'url': 'url', 'uri': 'url', 'md5': 'md5', 'sha1': 'sha1', 'sha256': 'sha256',
};

function tagNames(o: JsonObject): string[] {
  const tags = o['Tag'];
  return Array.isArray(tags) ? tags.map((t) => (isObject(t) && typeof t['name'] === 'string' ? t['name'] : undefined)).filter((t): t is string => t !== undefined) : [];
}

export function parseMisp(text: string, d: FeedDefaults): ParsedFeed {
  const doc = parseJson(text, 'a MISP event');
  const event = isObject(doc) && isObject(doc['Event']) ? doc['Event'] : isObject(doc) && Array.isArray(doc['Attribute']) ? doc : undefined;
  if (event === undefined) throw new FeedError('not a MISP event (an object with "Event" holding "Attribute")');
  const eventLabels = tagNames(event);
  const info = typeof event['info'] === 'string' ? event['info'] : undefined;
  const indicators: Indicator[] = [];
  const problems: FeedProblem[] = [];
  const take = (a: unknown, where: string) => {
    if (!isObject(a)) return;
    if (a['to_ids'] === false || a['deleted'] === true) return;
    const rawType = typeof a['type'] === 'string' ? a['type'] : '';
    const value = typeof a['value'] === 'string' ? a['value'] : '';
    // Composite types (`ip-dst|port`, `domain|ip`, `filename|sha256`) carry the indicator in a part.
    const parts = rawType.split('|').map((t, k) => [t, value.split('|')[k] ?? ''] as const);
    let found = 0;
    for (const [t, v] of parts) {
      const type = MISP_TYPES[t];
      if (type === undefined) continue;
      const c = type === 'ip' ? classify(v) : v === '' ? undefined : { type, value: type === 'url' ? v : v.toLowerCase() };
      if (c === undefined) continue;
      const comment = typeof a['comment'] === 'string' && a['comment'] !== '' ? a['comment'] : info;
      indicators.push(indicator(d, c.type, c.value, { labels: [...eventLabels, ...tagNames(a)], ...(comment === undefined ? {} : { description: comment }) }));
      found++;
    }
    if (found === 0 && parts.some(([t]) => MISP_TYPES[t] !== undefined)) problems.push({ where, message: `unreadable ${rawType} value ${JSON.stringify(value.slice(0, 80))}` });
  };
  (Array.isArray(event['Attribute']) ? event['Attribute'] : []).forEach((a, i) => take(a, `Attribute[${i}]`));
  (Array.isArray(event['Object']) ? event['Object'] : []).forEach((o, i) => {
    if (isObject(o) && Array.isArray(o['Attribute'])) o['Attribute'].forEach((a, k) => take(a, `Object[${i}].Attribute[${k}]`));
  });
  return { indicators, problems };
}

export function parseFeed(format: FeedFormat, text: string, d: FeedDefaults): ParsedFeed {
  switch (format) {
    case 'plain':
      return parsePlain(text, d);
    case 'csv':
      return parseCsv(text, d);
    case 'stix':
      return parseStix(text, d);
    case 'misp':
      return parseMisp(text, d);
  }
}

/** The format a feed's name or first bytes suggest. */
export function guessFormat(name: string, text: string): FeedFormat {
  const head = text.trimStart().slice(0, 400);
  if (head.startsWith('{')) return /"(Event|Attribute)"\s*:/.test(head) ? 'misp' : 'stix';
  if (name.toLowerCase().endsWith('.csv')) return 'csv';
  return 'plain';
}
