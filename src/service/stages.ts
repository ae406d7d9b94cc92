/**
 * The stages after decoding, run exactly alike by `analyze` and the live service (the same input
 * gives the same result in each): Falco alerts become signals as they are, other events go
 * through the rules; every event goes through threat intelligence and the baselines; then the
 * correlation engine sees the event and its signals.
 */

import type { VigilEvent } from '../core/event.js';
import type { Signal } from '../core/signal.js';
import type { CorrelationEngine } from '../correlate/engine.js';
import { alertToSignal } from '../sources/falco/signal.js';

/** No signals: one shared empty list. */
const NONE: Signal[] = [];

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

  /**
   * Runs a batch of events through the stages, appending their signals to `out` event by event
   * (each event's rule signals, then each other detector's); `each` is told where each event's
   * signals lie in `out` once correlation has seen it. A batch of one event is the plain
   * per-event order. Each detection stage runs over the whole batch before the next one: the
   * rules, threat intelligence and the baselines do not depend on one another, so the signals
   * are the same, and keeping one body of code and state busy at a time was 3 – 7% faster than
   * taking every stage per event (docs/benchmarks.md). Correlation, whose state follows the
   * events' order, then takes the events one by one with their signals.
   */
  processBatch(events: readonly VigilEvent[], out: Signal[], each?: (event: VigilEvent, from: number, to: number) => void): void {
    const n = events.length;
    const detectors = this.#also.length;
    // found[k * step + j]: event k's signals from the rules (j = 0) or from detector j - 1.
    const step = detectors + 1;
    const found: Signal[][] = new Array<Signal[]>(n * step);
    const detector = this.#detector;
    for (let k = 0; k < n; k++) {
      const event = events[k] as VigilEvent;
      if (event.source === 'falco') {
        const s = alertToSignal(event);
        found[k * step] = s === undefined ? NONE : [s];
      } else {
        found[k * step] = detector === undefined ? NONE : detector.detect(event);
      }
    }
    for (let j = 0; j < detectors; j++) {
      const d = this.#also[j] as SignalDetector;
      for (let k = 0; k < n; k++) found[k * step + j + 1] = d.detect(events[k] as VigilEvent);
    }
    const suppressed = this.#suppressed;
    const correlation = this.#correlation;
    for (let k = 0; k < n; k++) {
      const event = events[k] as VigilEvent;
      const before = out.length;
      for (let j = 0; j < step; j++) {
        const list = found[k * step + j] as Signal[];
        for (let i = 0; i < list.length; i++) out.push(list[i] as Signal);
      }
      if (suppressed !== undefined && out.length > before) {
        let w = before;
        for (let r = before; r < out.length; r++) if (!suppressed(out[r] as Signal)) out[w++] = out[r] as Signal;
        out.length = w;
      }
      if (correlation !== undefined) {
        correlation.observe(event);
        for (let i = before; i < out.length; i++) correlation.signal(out[i] as Signal, event);
        if (this.#readsEvents) correlation.event(event);
      }
      each?.(event, before, out.length);
    }
  }
}
