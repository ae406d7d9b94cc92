/**
 * `POST /api/v1/ingest/{falco,k8s-audit,cloudtrail,tetragon}`: the bodies real agents send
 * (Falco's http_output and falcosidekick, the API server's audit webhook, CloudTrail files,
 * Tetragon export lines). 202 once the accepted records are durably stored.
 */

import type { FastifyInstance } from 'fastify';
import type { SourceKind } from '../../core/event.js';
import { OverloadError } from '../../service/ingest.js';
import { contentTypeAccepted, INGEST_CONTENT_TYPES, parseBody } from '../../transports/body.js';
import type { ApiDeps } from '../deps.js';
import { problem } from '../server.js';

/** URL segment → source. */
export const INGEST_ROUTES: readonly { readonly path: string; readonly source: SourceKind }[] = [
  { path: 'falco', source: 'falco' },
  { path: 'k8s-audit', source: 'k8saudit' },
  { path: 'cloudtrail', source: 'cloudtrail' },
  { path: 'tetragon', source: 'tetragon' },
];

export function registerIngestRoutes(app: FastifyInstance, deps: ApiDeps): void {
  // Bodies are read as bytes here: gzip, UTF-8 and JSON lines are handled by parseBody, which
  // reports problems per record instead of failing the whole request.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  for (const route of INGEST_ROUTES) {
    app.post(`/api/v1/ingest/${route.path}`, { config: { role: 'ingest' } }, async (req, reply) => {
      if (!contentTypeAccepted(req.headers['content-type'])) {
        return reply.code(415).send(problem('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be one of ${INGEST_CONTENT_TYPES.join(', ')} (got ${req.headers['content-type'] ?? 'none'})`));
      }
      const body = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0) return reply.code(400).send(problem('BODY_EMPTY', 'the request has no body'));
      const encoding = req.headers['content-encoding'];
      const parsed = parseBody(body, typeof encoding === 'string' ? encoding : undefined, deps.limits);
      if (!parsed.ok) {
        const code = parsed.status === 413 ? 'BODY_TOO_LARGE' : parsed.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BODY_INVALID';
        return reply.code(parsed.status).send(problem(code, parsed.message));
      }
      try {
        const result = await deps.ingestor.ingest(route.source, parsed.records, parsed.errors);
        if (result.accepted === 0 && result.skipped === 0 && result.rejected > 0) {
          // Nothing in the body was usable: a client error, with every record's reason.
          const first = result.errors[0]?.message ?? '';
          return reply.code(400).send({
            ...problem('RECORDS_INVALID', `no record could be taken (${result.rejected} rejected; the first: ${first})`),
            accepted: 0,
            rejected: result.rejected,
            errors: result.errors,
          });
        }
        return reply.code(202).send({ accepted: result.accepted, rejected: result.rejected, skipped: result.skipped, errors: result.errors });
      } catch (err) {
        if (err instanceof OverloadError) {
          return reply.code(503).header('Retry-After', String(err.retryAfterS)).send(problem('OVERLOADED', err.message));
        }
        req.log.error({ err }, 'storing records failed');
        return reply.code(503).header('Retry-After', '5').send(problem('STORE_UNAVAILABLE', 'the records could not be stored; nothing was kept, try again'));
      }
    });
  }
}
