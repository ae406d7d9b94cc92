/**
 * Loaded before every test file (scripts/run-tests.js). Under CI the fuzz tests run with a fixed
 * seed, so a CI result is reproducible and a failure there is one every run would show; on a
 * developer's machine they draw a new seed each run and keep exploring. FUZZ_SEED overrides both.
 */
import fc from 'fast-check';

const fixed = process.env['FUZZ_SEED'] ?? (process.env['CI'] === 'true' ? '20261129' : undefined);
if (fixed !== undefined) fc.configureGlobal({ seed: Number(fixed) });
