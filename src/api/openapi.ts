/**
 * The OpenAPI document (`GET /api/openapi.json`), generated from the routes as registered: the
 * same JSON schemas that validate each request describe it here, so the two cannot drift.
 */

import type { FastifyInstance, RouteOptions } from 'fastify';
import { INGEST_CONTENT_TYPES } from '../transports/body.js';
import { VIGIL_API_VERSION } from './version.js';

interface Collected {
  readonly method: string;
  readonly url: string;
  readonly role: string | undefined;
  readonly schema: { querystring?: unknown; params?: unknown; body?: unknown } | undefined;
}

type JsonSchema = { type?: unknown; properties?: Record<string, Record<string, unknown>>; required?: string[] } & Record<string, unknown>;

/** Starts collecting routes; call before any route is registered. */
export function collectRoutes(app: FastifyInstance): Collected[] {
  const routes: Collected[] = [];
  app.addHook('onRoute', (r: RouteOptions) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    for (const m of methods) {
      if (m === 'HEAD') continue;
      routes.push({ method: m.toLowerCase(), url: r.url, role: (r.config as { role?: string } | undefined)?.role, schema: r.schema as Collected['schema'] });
    }
  });
  return routes;
}

function parameters(where: 'query' | 'path', schema: unknown): Record<string, unknown>[] {
  const s = schema as JsonSchema | undefined;
  if (s?.properties === undefined) return [];
  return Object.entries(s.properties).map(([name, p]) => ({ name, in: where, required: where === 'path' || (s.required ?? []).includes(name), schema: p }));
}

export function openApiDocument(routes: readonly Collected[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    const op: Record<string, unknown> = {
      operationId: `${r.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      parameters: [...parameters('path', r.schema?.params), ...parameters('query', r.schema?.querystring)],
      responses: { default: { description: 'JSON; errors are {"error": {"code", "message"}}' } },
      ...(r.role === undefined ? { security: [] } : { security: [{ bearer: [] }], 'x-vigil-role': r.role }),
    };
    if (r.schema?.body !== undefined) {
      op['requestBody'] = { required: true, content: { 'application/json': { schema: r.schema.body } } };
    } else if (r.url.startsWith('/api/v1/ingest/')) {
      op['requestBody'] = {
        required: true,
        description: 'One record, a JSON array, a container (CloudTrail {"Records": [...]}, audit EventList), or JSON lines; Content-Encoding: gzip accepted.',
        content: Object.fromEntries(INGEST_CONTENT_TYPES.map((t) => [t, { schema: {} }])),
      };
    }
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Vigil API', version: VIGIL_API_VERSION, description: 'Ingestion, query, live stream and administration of a Vigil service.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from the first start, `vigil token create` or POST /api/v1/tokens; roles: ingest, viewer, analyst, admin.' } } },
    paths,
  };
}
