import { fileURLToPath } from 'node:url';
import type { CliIo } from '../io.js';
import { analyzeCommand } from './analyze.js';

const DEMO_DIR = fileURLToPath(new URL('../../../examples/demo', import.meta.url));

/**
 * What `npm start` runs today: the offline analysis of the bundled demo telemetry (all four
 * formats) with Vigil's default rules. The live server, web UI and replayed demo scenario replace it as they land.
 */
export async function demoCommand(io: CliIo): Promise<number> {
  io.out(`Vigil demo: analyzing the bundled telemetry in ${DEMO_DIR}\n\n`);
  const status = await analyzeCommand([DEMO_DIR], { format: 'auto', output: 'table', progress: false }, io);
  io.out(
    [
      '',
      'Try it on your own data:  npx vigil analyze --output json PATH...',
      'Bring your Falco rules:   npx vigil analyze --rules my_rules.yaml PATH...  (check them: npx vigil rules check FILE)',
      'Coming next: correlation of these signals into threats and attacks, and `vigil serve` with',
      'the live web UI (then `npm start` replays an attack scenario in it).',
      '',
    ].join('\n'),
  );
  return status;
}
