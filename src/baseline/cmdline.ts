/**
 * A small naive-Bayes model over process command lines: how much a command line looks like the
 * attack tooling in Vigil's scenario library rather than the workloads' normal programs. It
 * complements novelty where a profile cannot judge yet (a workload too new to have learned
 * anything, such as a DaemonSet an attacker just created). The weights are trained by
 * `scripts/train-cmdline-model.ts` on command lines the simulator generates (see
 * docs/baselines.md for how, and the precision and recall on scenarios it was not trained on).
 */

/** Scores at or above this are reported (for profiles too young to judge novelty). */
export const CMDLINE_THRESHOLD = 0.9;

/** The features of a command line: lower-cased tokens and token pairs, with path and URL shapes. */
export function cmdlineFeatures(cmdline: string): string[] {
  const raw = cmdline.toLowerCase().split(/[\s"'`|&;()<>=,]+/).filter((t) => t !== '');
  const tokens: string[] = [];
  for (const t of raw) {
    if (/^[a-z][a-z0-9+.-]*:\/\//.test(t)) {
      tokens.push('<url>', t.slice(0, t.indexOf(':')));
      continue;
    }
    if (/^(\d{1,3}\.){3}\d{1,3}(:\d+)?$/.test(t)) {
      tokens.push('<ip>');
      continue;
    }
    if (t.startsWith('/')) {
      const parts = t.split('/').filter((p) => p !== '');
      tokens.push(`<dir:${parts[0] ?? ''}>`, parts[parts.length - 1] ?? '');
      if (parts.some((p) => p.startsWith('.'))) tokens.push('<hidden>');
      continue;
    }
    if (/^[a-z0-9+/]{24,}={0,2}$/i.test(t)) {
      tokens.push('<blob>');
      continue;
    }
    tokens.push(t.length > 40 ? t.slice(0, 40) : t);
  }
  const out = [...tokens];
  for (let i = 1; i < tokens.length; i++) out.push(`${tokens[i - 1] as string} ${tokens[i] as string}`);
  return out;
}

export interface CmdlineWeights {
  /** log P(attack) − log P(benign) before any feature. */
  readonly bias: number;
  /** Per feature: log P(f | attack) − log P(f | benign). */
  readonly features: Readonly<Record<string, number>>;
  /** For features never seen in training. */
  readonly unseen: number;
}

/** P(attack | command line) under the model, 0–1. */
export function cmdlineScore(weights: CmdlineWeights, cmdline: string): number {
  let logit = weights.bias;
  for (const f of new Set(cmdlineFeatures(cmdline))) logit += weights.features[f] ?? weights.unseen;
  return 1 / (1 + Math.exp(-logit));
}

/** Trains the weights from labelled command lines (Bernoulli naive Bayes, Laplace smoothing). */
export function trainCmdlineModel(examples: readonly { readonly cmdline: string; readonly attack: boolean }[]): CmdlineWeights {
  const counts = [new Map<string, number>(), new Map<string, number>()] as const;
  const n = [0, 0];
  for (const ex of examples) {
    const k = ex.attack ? 1 : 0;
    n[k] = (n[k] ?? 0) + 1;
    for (const f of new Set(cmdlineFeatures(ex.cmdline))) counts[k].set(f, (counts[k].get(f) ?? 0) + 1);
  }
  const [n0 = 0, n1 = 0] = n;
  const features: Record<string, number> = {};
  const all = [...new Set([...counts[0].keys(), ...counts[1].keys()])].sort();
  for (const f of all) {
    const p1 = ((counts[1].get(f) ?? 0) + 1) / (n1 + 2);
    const p0 = ((counts[0].get(f) ?? 0) + 1) / (n0 + 2);
    features[f] = Math.round(Math.log(p1 / p0) * 1000) / 1000;
  }
  // Classes balanced: the score says how attack-like the words are, not how rare attacks are.
  // Words never seen in training say nothing either way.
  return { bias: 0, features, unseen: 0 };
}
