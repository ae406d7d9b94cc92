/**
 * `GET /api/v1/stream`: server-sent events `signal`, `threat` and `attack` (each a new item or a
 * newer version of one), resumable with `Last-Event-ID`; a `reset` event tells a client that it
 * missed more than the server kept and should reload its lists. Heartbeat comments keep proxies
 * from closing idle streams. A client that stops reading is dropped once its unsent data passes
 * the limit, so one slow browser cannot make the server hold unbounded memory.
 */

import type { FastifyInstance } from 'fastify';
import { STREAM_TYPES, type StreamMessage, type StreamType } from '../../service/hub.js';
import type { ApiDeps } from '../deps.js';

const STREAM_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    types: { type: 'string', maxLength: 100 },
    lastEventId: { type: 'string', maxLength: 40 },
  },
} as const;

export function registerStreamRoutes(app: FastifyInstance, deps: ApiDeps): void {
  // Open streams never end by themselves: they are ended when the server shuts down.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });
  app.get('/api/v1/stream', { config: { role: 'viewer' }, schema: { querystring: STREAM_QUERY } }, (req, reply) => {
    const q = req.query as { types?: string; lastEventId?: string };
    const wanted = new Set<StreamType>(
      q.types === undefined ? STREAM_TYPES : q.types.split(',').map((t) => t.trim()).filter((t): t is StreamType => (STREAM_TYPES as readonly string[]).includes(t)),
    );
    const lastHeader = req.headers['last-event-id'];
    const last = typeof lastHeader === 'string' ? lastHeader : q.lastEventId;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      'X-Content-Type-Options': 'nosniff',
    });
    res.write('retry: 3000\n: connected\n\n');
    let closed = false;
    const send = (m: StreamMessage): void => {
      if (closed || !wanted.has(m.type)) return;
      if (res.writableLength > deps.maxClientBacklog) {
        req.log.warn({ backlog: res.writableLength }, 'stream client too slow; dropped');
        close();
        res.destroy();
        return;
      }
      res.write(`id: ${m.id}\nevent: ${m.type}\ndata: ${m.data}\n\n`);
    };
    if (last !== undefined && /^\d{1,20}$/.test(last)) {
      const missed = deps.hub.since(Number(last));
      if (missed.gap) res.write(`id: ${deps.hub.lastId}\nevent: reset\ndata: {}\n\n`);
      for (const m of missed.messages) send(m);
    }
    const unsubscribe = deps.hub.subscribe(send);
    // The token is checked again at every heartbeat: a revoked token's stream ends then.
    const tokenId = req.caller?.tokenId;
    const heartbeat = setInterval(() => {
      if (closed) return;
      void deps.store.listTokens().then((tokens) => {
        if (closed) return;
        if (!tokens.some((t) => t.id === tokenId && t.revokedMs === null)) {
          req.log.info({ token: tokenId }, 'stream ended: its token was revoked');
          end();
          return;
        }
        res.write(': heartbeat\n\n');
      }, () => res.write(': heartbeat\n\n'));
    }, deps.heartbeatMs);
    heartbeat.unref();
    function close(): void {
      if (closed) return;
      closed = true;
      open.delete(end);
      unsubscribe();
      clearInterval(heartbeat);
    }
    const end = (): void => {
      close();
      res.end();
    };
    open.add(end);
    res.on('close', close);
    res.on('error', close);
  });
}
