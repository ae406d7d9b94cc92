import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`bash ../shared/ci/services.sh --chromium` installs it); no browser download. */
export const CHROMIUM = process.env['VIGIL_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Launches the machine's Chromium headless; undefined (the test skipped with a notice) when it is
 * absent on a user's laptop. Under CI=true its absence fails.
 */
export async function launchChromium(t: TestContext): Promise<Browser | undefined> {
  if (!existsSync(CHROMIUM)) {
    if (process.env['CI'] === 'true') throw new Error(`Chromium is required under CI=true at ${CHROMIUM} (bash ../shared/ci/services.sh --chromium installs it)`);
    t.skip(`Chromium not found at ${CHROMIUM}; skipping the browser test`);
    return undefined;
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
