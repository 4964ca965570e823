import type { MarketSink } from './market';
import type { StreamMessageKind } from './streamNames';

/** Something that receives stream messages (an open WebSocket connection). */
export interface StreamSubscriber {
  /** `name` is the stream as the client asked for it, which the combined envelope repeats. */
  deliver(name: string, payload: string, kind: StreamMessageKind): void;
}

interface Subscription {
  subscriber: StreamSubscriber;
  name: string;
}

/**
 * Who listens to which stream. Markets publish under canonical names; a client's own spelling
 * (`btcusdt@depth` for `btcusdt@depth@250ms`) is kept per subscription for its envelopes. Only
 * deliverable subscriptions are indexed here: one on the wrong routed path is acknowledged by the
 * connection and simply never reaches this index, which is exactly Binance's silent behaviour.
 */
export class StreamHub implements MarketSink {
  private readonly byStream = new Map<string, Subscription[]>();

  add(canonical: string, subscriber: StreamSubscriber, name: string): void {
    const list = this.byStream.get(canonical) ?? [];
    if (list.some((s) => s.subscriber === subscriber && s.name === name)) return;
    // Replaced, not mutated: a publish in progress keeps iterating the list it started with.
    this.byStream.set(canonical, [...list, { subscriber, name }]);
  }

  remove(canonical: string, subscriber: StreamSubscriber, name: string): void {
    const list = this.byStream.get(canonical);
    if (list === undefined) return;
    const rest = list.filter((s) => !(s.subscriber === subscriber && s.name === name));
    if (rest.length === 0) this.byStream.delete(canonical);
    else this.byStream.set(canonical, rest);
  }

  removeSubscriber(subscriber: StreamSubscriber): void {
    for (const [canonical, list] of [...this.byStream]) {
      const rest = list.filter((s) => s.subscriber !== subscriber);
      if (rest.length === 0) this.byStream.delete(canonical);
      else if (rest.length !== list.length) this.byStream.set(canonical, rest);
    }
  }

  wants(stream: string): boolean {
    return this.byStream.has(stream);
  }

  publish(stream: string, payload: string, kind: StreamMessageKind): void {
    const list = this.byStream.get(stream);
    if (list === undefined) return;
    for (const { subscriber, name } of list) subscriber.deliver(name, payload, kind);
  }
}
