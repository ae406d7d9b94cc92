/**
 * The `vigil serve --config FILE` file (YAML or JSON): validated whole before anything starts;
 * unknown keys are refused and every problem is reported with its line.
 */

import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { messageOf } from '../core/errors.js';

export interface ServeFileConfig {
  host?: string;
  port?: number;
  data?: string;
  database_url?: string;
  rules?: string[];
  /** Folders of telemetry files to take in as they land. */
  watch?: string[];
  default_rules?: boolean;
  rule_matching?: 'first' | 'all';
  log_level?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** How long raw records are kept once processed: a duration (`7d`, `12h`) or `forever`. */
  retention?: string;
  tls?: { cert: string; key: string };
  limits?: { max_body_bytes?: number; max_records?: number; max_depth?: number };
}

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    data: { type: 'string', minLength: 1 },
    database_url: { type: 'string', pattern: '^postgres(ql)?://' },
    rules: { type: 'array', items: { type: 'string', minLength: 1 } },
    watch: { type: 'array', items: { type: 'string', minLength: 1 } },
    default_rules: { type: 'boolean' },
    rule_matching: { enum: ['first', 'all'] },
    log_level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    retention: { type: 'string', pattern: '^(forever|(\\d+(ms|s|m|h|d))+)$' },
    tls: {
      type: 'object',
      additionalProperties: false,
      required: ['cert', 'key'],
      properties: { cert: { type: 'string', minLength: 1 }, key: { type: 'string', minLength: 1 } },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: {
        max_body_bytes: { type: 'integer', minimum: 1024, maximum: 1073741824 },
        max_records: { type: 'integer', minimum: 1, maximum: 10000000 },
        max_depth: { type: 'integer', minimum: 4, maximum: 1000 },
      },
    },
  },
} as const;

export type ConfigResult = { ok: true; config: ServeFileConfig } | { ok: false; problems: string[] };

export async function loadServeConfig(path: string): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return { ok: false, problems: [`${path}: cannot read the config file: ${messageOf(err)}`] };
  }
  return parseServeConfig(text, path);
}

export function parseServeConfig(text: string, path: string): ConfigResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((e) => `${path}:${e.linePos?.[0].line ?? 1}:${e.linePos?.[0].col ?? 1}: ${e.message.split('\n')[0] ?? ''}`) };
  }
  const value: unknown = doc.toJS() ?? {};
  const ajv = new Ajv({ allErrors: true });
  const validate = ajv.compile(SCHEMA);
  if (validate(value)) return { ok: true, config: value as ServeFileConfig };
  const at = (e: ErrorObject): string => {
    const keys = e.instancePath.split('/').slice(1).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    let node: unknown = doc.contents;
    for (const k of keys) {
      if (isMap(node) || isSeq(node)) node = node.get(k, true);
      else break;
    }
    // An unknown key is shown where the key itself is.
    if (e.keyword === 'additionalProperties' && isMap(node)) {
      const name = (e.params as { additionalProperty: string }).additionalProperty;
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === name);
      if (pair !== undefined && isScalar(pair.key)) node = pair.key;
    }
    const range = (node as Node | undefined)?.range;
    const pos = range === undefined || range === null ? { line: 1, col: 1 } : lines.linePos(range[0]);
    return `${path}:${pos.line}:${pos.col}`;
  };
  const problems = (validate.errors ?? []).map((e) => ({ where: at(e), text: `${at(e)}: ${describe(e)}` }));
  problems.sort((a, b) => a.where.localeCompare(b.where, 'en', { numeric: true }));
  return { ok: false, problems: problems.map((p) => p.text) };
}

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? 'the config' : e.instancePath.slice(1).replace(/\//g, '.');
  if (e.keyword === 'additionalProperties') return `${where}: unknown key "${String((e.params as { additionalProperty: string }).additionalProperty)}"`;
  if (e.keyword === 'pattern' && where === 'retention') return 'retention: must be a duration such as 7d or 12h, or forever';
  if (e.keyword === 'pattern' && where === 'database_url') return 'database_url: must be a postgres:// or postgresql:// URL';
  if (e.keyword === 'enum') return `${where}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return `${where}: ${e.message ?? 'invalid'}`;
}
