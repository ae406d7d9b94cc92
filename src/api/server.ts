/**
 * The HTTP server (fastify): authentication by bearer token on every route but `/healthz`,
 * security headers, JSON errors with a stable code, request logs without secrets. Routes live in
 * `routes/`, registered from the list below.
 */

import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role } from '../store/port.js';
import { allows, hashToken } from '../service/tokens.js';
import type { ApiDeps, Caller } from './deps.js';
import { collectRoutes, openApiDocument } from './openapi.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerIngestRoutes } from './routes/ingest.js';
import { registerOverviewRoutes } from './routes/overview.js';
import { registerQueryRoutes } from './routes/query.js';
import { registerStreamRoutes } from './routes/stream.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
  interface FastifyContextConfig {
    /** The role a route needs; absent means public. */
    role?: Role;
  }
}

export interface ServerOptions {
  /** pino logger settings, or false for none (tests). */
  readonly logger?: boolean | { level: string };
  readonly https?: { key: Buffer; cert: Buffer };
  /** The built web UI (`npm run build:ui`), served at `/`; default `ui/dist` in the repository. */
  readonly uiDir?: string;
}

/** Where `npm run build:ui` writes the web UI. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

/** The routes, in registration order. */
const ROUTES = [registerIngestRoutes, registerQueryRoutes, registerOverviewRoutes, registerStreamRoutes, registerAdminRoutes] as const;

export async function buildServer(deps: ApiDeps, options: ServerOptions = {}): Promise<FastifyInstance> {
  const logger = options.logger === undefined || options.logger === false
    ? false
    : {
        level: options.logger === true ? 'info' : options.logger.level,
        // Tokens never reach the log: not the header, not the `?token=` the UI link carries.
        redact: ['req.headers.authorization'],
        serializers: {
          req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }),
        },
      };
  const app = Fastify({
    logger,
    bodyLimit: deps.limits.maxBytes,
    ...(options.https === undefined ? {} : { https: options.https }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  app.addHook('onRequest', async (req, reply) => {
    const needs = req.routeOptions.config.role;
    if (needs === undefined) return;
    const caller = await authenticate(deps, req);
    if (caller === undefined) {
      await reply.code(401).header('WWW-Authenticate', 'Bearer').send(problem('UNAUTHORIZED', 'a valid bearer token is required (Authorization: Bearer TOKEN)'));
      return reply;
    }
    if (!allows(caller.role, needs)) {
      await reply.code(403).send(problem('FORBIDDEN', `this needs the ${needs} role; the token has ${caller.role}`));
      return reply;
    }
    req.caller = caller;
    return undefined;
  });

  app.setErrorHandler(async (err: Error & { statusCode?: number; code?: string; validation?: unknown }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    const code = err.validation !== undefined ? 'INVALID_REQUEST' : status === 413 ? 'BODY_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : status >= 500 ? 'INTERNAL' : (err.code ?? 'BAD_REQUEST');
    return reply.code(status).send(problem(code, status >= 500 ? 'internal error (see the server log)' : err.message));
  });
  app.setNotFoundHandler(async (req, reply) => reply.code(404).send(problem('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0] ?? ''}`)));

  // Every route validates its query string: one that declares none takes no parameters (the
  // ingestion routes: only `token`, for agents that cannot send headers).
  app.addHook('onRoute', (r) => {
    // The UI's files ignore their query (`/?token=` is read by the page itself).
    if (r.schema?.querystring !== undefined || !isApiUrl(r.url)) return;
    const properties = r.url.startsWith('/api/v1/ingest/') ? { token: { type: 'string', maxLength: 200 } } : {};
    r.schema = { ...r.schema, querystring: { type: 'object', additionalProperties: false, properties } };
  });
  const routes = collectRoutes(app);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => (deps.ready() ? { status: 'ready' } : reply.code(503).send({ status: 'starting' })));

  for (const register of ROUTES) await app.register(async (scope) => register(scope, deps));
  await registerUi(app, options.uiDir ?? DEFAULT_UI_DIR);
  let doc: Record<string, unknown> | undefined;
  app.get('/api/openapi.json', { config: { role: 'viewer' } }, async () => (doc ??= openApiDocument(routes)));
  return app;
}

function isApiUrl(url: string): boolean {
  return url.startsWith('/api/') || url === '/metrics' || url === '/healthz' || url === '/readyz';
}

/**
 * The web UI: static files, public (they hold no data; every piece of data comes from the API
 * with the user's token). Hashed assets are cached for good, the page itself never.
 */
async function registerUi(app: FastifyInstance, dir: string): Promise<void> {
  if (!existsSync(join(dir, 'index.html'))) {
    app.get('/', async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send('<!doctype html><title>Vigil</title><p>The web UI is not built. Run <code>npm run build:ui</code> (or <code>npm start</code>, which builds it), then reload.</p>'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: true,
    index: ['index.html'],
    cacheControl: false,
    setHeaders: (res, path) => {
      res.setHeader('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}

async function authenticate(deps: ApiDeps, req: FastifyRequest): Promise<Caller | undefined> {
  const header = req.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  // Falco's http_output cannot send headers: ingestion also takes `?token=` (kept out of logs).
  const fromQuery = header === undefined && req.url.startsWith('/api/v1/ingest/') ? new URL(req.url, 'http://x').searchParams.get('token') : null;
  const token = m?.[1] ?? fromQuery ?? undefined;
  if (token === undefined || token.length > 200) return undefined;
  const row = await deps.store.tokenByHash(hashToken(token));
  return row === undefined ? undefined : { tokenId: row.id, name: row.name, role: row.role };
}

/** The URL as logged: a `token` parameter (however its name is encoded) is replaced. */
export function redactUrl(url: string): string {
  const i = url.indexOf('?');
  if (i < 0) return url;
  const params = new URLSearchParams(url.slice(i + 1));
  if (!params.has('token')) return url;
  params.set('token', '[redacted]');
  return `${url.slice(0, i)}?${params.toString()}`;
}

/** The error body every route uses. */
export function problem(code: string, message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { error: { code, message, ...extra } };
}

export async function sendProblem(reply: FastifyReply, status: number, code: string, message: string): Promise<FastifyReply> {
  return reply.code(status).send(problem(code, message));
}
