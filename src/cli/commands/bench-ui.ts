import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_UI_DIR } from '../../api/server.js';
import { benchUi } from '../../bench/ui-bench.js';
import { messageOf } from '../../core/errors.js';
import type { CliIo } from '../io.js';

/** `vigil bench ui [--records N]`: the web UI in Chromium over N attacks and a 500-node story. */
export async function benchUiCommand(opts: { json?: boolean }, attacks: number, env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const chromium = env['VIGIL_CHROMIUM'] ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    io.err(`vigil bench ui: no Chromium at ${chromium} (install Debian's chromium package, or set VIGIL_CHROMIUM)\n`);
    return 1;
  }
  if (!existsSync(join(DEFAULT_UI_DIR, 'index.html'))) {
    io.err('vigil bench ui: the web UI is not built: run `npm run build:ui` first\n');
    return 1;
  }
  try {
    const r = await benchUi({ attacks, storyNodes: 500, chromium, ...(opts.json === true ? {} : { onProgress: (m: string) => io.err(`  ${m}\n`) }) });
    if (opts.json === true) {
      io.out(`${JSON.stringify({ target: 'ui', ...r }, null, 2)}\n`);
      return 0;
    }
    const ms = (x: number): string => `${Math.round(x).toLocaleString('en-US')} ms`;
    io.out(
      [
        `store         ${r.attacks.toLocaleString('en-US')} attacks, one with a ${r.storyNodes}-node story (seeded in ${r.seedSeconds.toFixed(1)} s)`,
        `attack list   first 100 rows ${ms(r.listMs)}; each "Load more" ${ms(r.loadMoreMeanMs)} on average, ${ms(r.loadMoreMaxMs)} at most (${r.rowsShown.toLocaleString('en-US')} rows shown)`,
        `live update   ${ms(r.liveUpdateMs)} from a change through the API to the open list showing it`,
        `overview      ${ms(r.overviewMs)}`,
        `story         ${ms(r.storyMs)} to the graph of ${r.storyGraphNodes} nodes laid out and drawn; zoom ${ms(r.zoomMs)}`,
        `main thread   longest task ${ms(r.longestTaskMs)} (paging the list ${ms(r.longestListTaskMs)}, opening the story ${ms(r.longestStoryTaskMs)}), total blocking ${ms(r.totalBlockingMs)}; JS heap ${r.jsHeapMb.toFixed(0)} MB`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (err) {
    io.err(`vigil bench ui: ${messageOf(err)}\n`);
    return 1;
  }
}
