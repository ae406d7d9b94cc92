/**
 * Vigil's own normalized event format (`--format vigil`, schemas/vigil-event.schema.json): the
 * envelope written back as JSON, so normalized events can be stored, replayed and exchanged.
 * Validated against the JSON Schema, which is the documentation of the format.
 */

import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import type { DecodeContext, SourceDecoder } from '../../core/decoder.js';
import { reject } from '../../core/decoder.js';
import type { Entity, Relation } from '../../core/entity.js';
import { SOURCE_KINDS, type DecodeResult, type SourceKind } from '../../core/event.js';
import { isObject, type JsonObject } from '../../core/json.js';
import { parseTime } from '../../core/time.js';

const schema: unknown = JSON.parse(readFileSync(new URL('../../../schemas/vigil-event.schema.json', import.meta.url), 'utf8'));
// Compiled once at load; validators are pure functions of their input.
const validate = new Ajv2020({ allErrors: false, validateFormats: false }).compile(schema as object);

function detect(r: JsonObject): boolean {
  return (
    typeof r['source'] === 'string' &&
    (SOURCE_KINDS as readonly string[]).includes(r['source']) &&
    typeof r['kind'] === 'string' &&
    typeof r['time'] === 'string' &&
    Array.isArray(r['entities']) &&
    'payload' in r
  );
}

function decode(r: JsonObject, ctx: DecodeContext): DecodeResult {
  if (!validate(r)) {
    const e = validate.errors?.[0];
    const field = e?.instancePath.replace(/^\//, '').replaceAll('/', '.') ?? '';
    return reject('SCHEMA_INVALID', `not a Vigil event: ${field === '' ? 'record' : field} ${e?.message ?? 'is invalid'}`, field || undefined);
  }
  const t = parseTime(r['time'] as string);
  if (t === undefined) return reject('TIME_INVALID', `time "${String(r['time'])}" is not an RFC 3339 time`, 'time');
  const action = r['action'];
  const observed = r['observedMs'];
  return {
    ok: true,
    event: {
      id: r['id'] as string,
      source: r['source'] as SourceKind,
      kind: r['kind'] as string,
      action: typeof action === 'string' ? action : (r['kind'] as string),
      time: t.iso,
      timeMs: typeof r['timeMs'] === 'number' ? r['timeMs'] : t.ms,
      observedMs: typeof observed === 'number' ? observed : ctx.observedMs,
      entities: (r['entities'] as Entity[]).map((e) => (e.name === undefined ? { ...e, name: e.id } : e)),
      relations: Array.isArray(r['relations']) ? (r['relations'] as Relation[]) : [],
      payload: r['payload'],
      origin: isObject(r['origin']) ? (r['origin'] as unknown as DecodeContext['origin']) : ctx.origin,
    },
  };
}

export const vigilDecoder: SourceDecoder = { kind: 'vigil', detect, decode };
