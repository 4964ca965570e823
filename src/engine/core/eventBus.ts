import type { EngineEvent, EngineEventOf, EngineEventType } from '../protocol/events';
import { ENGINE_EVENT_TYPES } from '../protocol/events';

export type Disposer = () => void;
export type EventHandler<K extends EngineEventType> = (event: EngineEventOf<K>) => void;

export interface HandlerFailure {
  readonly eventType: EngineEventType;
  readonly error: unknown;
}

/**
 * Typed publish/subscribe for engine events. Handlers are held per event type in arrays that are
 * replaced, never mutated, on (un)subscribe: a publish is one lookup and a loop with no copy, and a
 * handler that unsubscribes during dispatch cannot make a peer be skipped. A handler that throws is reported through `onHandlerError` and
 * counted; the remaining handlers still run, because one faulty view must not starve the others.
 */
export class EventBus {
  // Plain objects with one property per event type: cheaper per publish than Map lookups.
  private readonly handlers = {} as Record<EngineEventType, ReadonlyArray<(event: EngineEvent) => void>>;
  private anyHandlers: ReadonlyArray<(event: EngineEvent) => void> = [];
  private readonly published = {} as Record<EngineEventType, number>;
  private handlerErrorCount = 0;

  constructor(private readonly onHandlerError: (failure: HandlerFailure) => void = () => undefined) {
    for (const type of ENGINE_EVENT_TYPES) {
      this.handlers[type] = [];
      this.published[type] = 0;
    }
  }

  /** Subscribes to one event type; the returned function unsubscribes (calling it twice is harmless). */
  subscribe<K extends EngineEventType>(type: K, handler: EventHandler<K>): Disposer {
    const wrapped = handler as (event: EngineEvent) => void;
    this.handlers[type] = [...this.handlers[type], wrapped];
    let active = true;
    return () => {
      // Once only: a second call must not remove another subscription of the same function.
      if (!active) return;
      active = false;
      this.handlers[type] = without(this.handlers[type], wrapped);
    };
  }

  /** Subscribes to every event. */
  subscribeAll(handler: (event: EngineEvent) => void): Disposer {
    this.anyHandlers = [...this.anyHandlers, handler];
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.anyHandlers = without(this.anyHandlers, handler);
    };
  }

  publish(event: EngineEvent): void {
    this.published[event.type]++;
    const list = this.handlers[event.type];
    if (list.length > 0) this.dispatch(list, event);
    if (this.anyHandlers.length > 0) this.dispatch(this.anyHandlers, event);
  }

  /** Publishes a batch in order; a failing handler for one event does not stop the batch. */
  publishBatch(events: readonly EngineEvent[]): void {
    for (let i = 0; i < events.length; i++) this.publish(events[i]);
  }

  /** How many events of each type were published. */
  counts(): Record<EngineEventType, number> {
    return { ...this.published };
  }

  get handlerErrors(): number {
    return this.handlerErrorCount;
  }

  subscriberCount(type?: EngineEventType): number {
    if (type === undefined) {
      let total = this.anyHandlers.length;
      for (const t of ENGINE_EVENT_TYPES) total += this.handlers[t].length;
      return total;
    }
    return this.handlers[type].length;
  }

  /** Drops every subscription. */
  clear(): void {
    for (const type of ENGINE_EVENT_TYPES) this.handlers[type] = [];
    this.anyHandlers = [];
  }

  private dispatch(list: ReadonlyArray<(event: EngineEvent) => void>, event: EngineEvent): void {
    for (let i = 0; i < list.length; i++) {
      try {
        list[i](event);
      } catch (error) {
        this.handlerErrorCount++;
        try {
          this.onHandlerError({ eventType: event.type, error });
        } catch {
          // The error reporter itself failed; the count above still records the failure.
        }
      }
    }
  }
}

function without<T>(list: ReadonlyArray<T>, item: T): T[] {
  const i = list.indexOf(item);
  return i < 0 ? [...list] : [...list.slice(0, i), ...list.slice(i + 1)];
}
