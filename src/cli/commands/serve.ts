/**
 * `vigil serve`: the live service (contracts.md). Settings come from flags, then the environment
 * (`VIGIL_PORT`, `VIGIL_HOST`, `VIGIL_DATA`, `VIGIL_API_TOKEN`, `VIGIL_DATABASE_URL`), then the
 * config file, then defaults. Runs until SIGINT or SIGTERM, then shuts down gracefully: stops
 * taking requests, lets detection finish what was acknowledged, closes the store.
 */

import { readFile } from 'node:fs/promises';
import { messageOf } from '../../core/errors.js';
import { parseDuration } from '../../core/time.js';
import { startService, StartError, type RunningService } from '../../service/service.js';
import { loadServeConfig, type ServeFileConfig } from '../serve-config.js';
import type { CliIo } from '../io.js';

export interface ServeOptions {
  readonly config?: string;
  readonly port?: string;
  readonly host?: string;
  readonly data?: string;
  readonly rules?: readonly string[];
  readonly defaultRules?: boolean;
  readonly ruleMatching?: string;
  readonly logLevel?: string;
  readonly retention?: string;
  readonly watch?: readonly string[];
}

/** How the command waits for its end; tests resolve it themselves. */
export interface ServeLifecycle {
  /** Resolves when the service should stop. */
  readonly stopped: Promise<unknown>;
  readonly onStarted?: (s: RunningService) => void;
  /** Registers what to do on SIGHUP (reload the rules). */
  readonly onHangup?: (handler: () => void) => void;
}

export function processLifecycle(): ServeLifecycle {
  return {
    stopped: new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    }),
    onHangup: (handler) => {
      process.on('SIGHUP', handler);
    },
  };
}

export async function serveCommand(opts: ServeOptions, io: CliIo, env: NodeJS.ProcessEnv, life: ServeLifecycle): Promise<number> {
  let file: ServeFileConfig = {};
  if (opts.config !== undefined) {
    const loaded = await loadServeConfig(opts.config);
    if (!loaded.ok) {
      for (const p of loaded.problems) io.err(`vigil: ${p}\n`);
      return 1;
    }
    file = loaded.config;
  }
  const portText = opts.port ?? env['VIGIL_PORT'] ?? (file.port === undefined ? undefined : String(file.port)) ?? '8080';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(`vigil: the port must be a number from 0 to 65535 (got ${JSON.stringify(portText)})\n`);
    return 2;
  }
  let https: { key: Buffer; cert: Buffer } | undefined;
  if (file.tls !== undefined) {
    try {
      https = { key: await readFile(file.tls.key), cert: await readFile(file.tls.cert) };
    } catch (err) {
      io.err(`vigil: ${opts.config ?? 'config'}: tls: ${messageOf(err)}\n`);
      return 1;
    }
  }
  const rules = [...(file.rules ?? []), ...(opts.rules ?? [])];
  const retentionText = opts.retention ?? file.retention;
  const retentionMs = retentionText === undefined ? undefined : retentionText === 'forever' ? 0 : parseDuration(retentionText);
  if (retentionMs === undefined && retentionText !== undefined) {
    io.err(`vigil: the retention must be a duration such as 7d or 12h, or forever (got ${JSON.stringify(retentionText)})\n`);
    return 2;
  }
  let service: RunningService;
  try {
    service = await startService({
      host: opts.host ?? env['VIGIL_HOST'] ?? file.host ?? '127.0.0.1',
      port,
      dataDir: opts.data ?? env['VIGIL_DATA'] ?? file.data ?? '.vigil',
      databaseUrl: env['VIGIL_DATABASE_URL'] ?? file.database_url,
      apiToken: env['VIGIL_API_TOKEN'],
      logger: { level: opts.logLevel ?? file.log_level ?? 'info' },
      detection: {
        rules,
        defaultRules: opts.defaultRules !== false && file.default_rules !== false,
        ruleMatching: opts.ruleMatching ?? file.rule_matching ?? 'first',
      },
      ...(file.limits === undefined
        ? {}
        : { limits: { maxBytes: file.limits.max_body_bytes ?? 16 * 1024 * 1024, maxRecords: file.limits.max_records ?? 50_000, maxDepth: file.limits.max_depth ?? 64 } }),
      ...(https === undefined ? {} : { https }),
      ...(retentionMs === undefined ? {} : { retentionMs }),
      watch: [...(file.watch ?? []), ...(opts.watch ?? [])],
    });
  } catch (err) {
    if (err instanceof StartError) {
      io.err(`${err.message}\nvigil: the service did not start\n`);
      return 1;
    }
    io.err(`vigil: the service did not start: ${messageOf(err)}\n`);
    return 1;
  }
  io.err(`Vigil is listening on ${service.url} (store: ${service.store.dialect})\n`);
  if (service.createdToken !== undefined) {
    io.err(
      [
        '',
        'An admin token was created for this installation. It is shown only this once: keep it.',
        `  token: ${service.createdToken}`,
        `  open:  ${service.url}/?token=${service.createdToken}`,
        '',
      ].join('\n') + '\n',
    );
  }
  life.onHangup?.(() => {
    io.err('vigil: SIGHUP: reloading the rules…\n');
    void service.reload().then((r) => {
      if (r.ok) io.err(`vigil: rules reloaded (${r.signalRules} signal rules, ${r.correlationRules} correlation rules; ${r.replayed} stored records replayed)\n`);
      else io.err(`${r.problems.join('\n')}\nvigil: the rules have errors; the running rules stay\n`);
    });
  });
  life.onStarted?.(service);
  await life.stopped;
  io.err('vigil: shutting down (finishing acknowledged records)…\n');
  await service.close();
  return 0;
}
