/**
 * The stages after decoding, run per event exactly alike by `analyze` and the live service (the
 * same input gives the same result in each): Falco alerts become signals as they are, other
 * events go through the rules; every event goes through threat intelligence and the baselines;
 * then the correlation engine sees the event and its signals.
 */

import type { VigilEvent } from '../core/event.js';
import type { Signal } from '../core/signal.js';
import type { CorrelationEngine } from '../correlate/engine.js';
import { alertToSignal } from '../sources/falco/signal.js';

export interface SignalDetector {
  detect(event: VigilEvent): Signal[];
}

export interface StageParts {
  /** Runs rules over each event (Falco alerts are signals already and skip it). */
  readonly detector?: SignalDetector | undefined;
  /** Run over every event, Falco alerts included: threat intelligence, behavioural baselines. */
  readonly also?: readonly SignalDetector[] | undefined;
  /** Correlates the signals (and events, for rules with event steps) into threats and attacks. */
  readonly correlation?: CorrelationEngine | undefined;
  /** Signals an analyst suppressed: dropped before correlation. */
  readonly suppressed?: ((s: Signal) => boolean) | undefined;
}

export class Stages {
  readonly #detector: SignalDetector | undefined;
  readonly #also: readonly SignalDetector[];
  readonly #correlation: CorrelationEngine | undefined;
  readonly #readsEvents: boolean;
  readonly #suppressed: ((s: Signal) => boolean) | undefined;

  constructor(parts: StageParts) {
    this.#detector = parts.detector;
    this.#also = parts.also ?? [];
    this.#correlation = parts.correlation;
    this.#readsEvents = parts.correlation?.readsEvents === true;
    this.#suppressed = parts.suppressed;
  }

  /** Runs one event through every stage, appending its signals to `out`. */
  process(event: VigilEvent, out: Signal[]): void {
    const before = out.length;
    if (event.source === 'falco') {
      const s = alertToSignal(event);
      if (s !== undefined) out.push(s);
    } else if (this.#detector !== undefined) {
      for (const s of this.#detector.detect(event)) out.push(s);
    }
    for (let i = 0; i < this.#also.length; i++) for (const s of (this.#also[i] as SignalDetector).detect(event)) out.push(s);
    const suppressed = this.#suppressed;
    if (suppressed !== undefined && out.length > before) {
      let w = before;
      for (let r = before; r < out.length; r++) if (!suppressed(out[r] as Signal)) out[w++] = out[r] as Signal;
      out.length = w;
    }
    const correlation = this.#correlation;
    if (correlation !== undefined) {
      correlation.observe(event);
      for (let i = before; i < out.length; i++) correlation.signal(out[i] as Signal, event);
      if (this.#readsEvents) correlation.event(event);
    }
  }
}
