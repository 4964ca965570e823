import assert from 'node:assert/strict';
import { EventBus, type HandlerFailure } from '../../src/engine/core/eventBus';
import { ENGINE_EVENT_TYPES, type EngineEvent, type StatusEvent, type TradeEvent } from '../../src/engine/protocol/events';

function trade(id: number): TradeEvent {
  return {
    type: 'trade',
    symbol: 'BTCUSDT',
    eventTime: 1000 + id,
    tradeTime: 1000 + id,
    id,
    price: 61659.7,
    qty: 0.01,
    buyerIsMaker: false,
    aggregated: false,
  };
}

function status(reason: string): StatusEvent {
  return { type: 'status', symbol: 'BTCUSDT', time: 1, status: 'live', reason };
}

/** A label for an event in call logs: `trade#3`, `status:x`. */
function label(event: EngineEvent): string {
  if (event.type === 'trade') return `trade#${event.id}`;
  if (event.type === 'status') return `status:${event.reason}`;
  return event.type;
}

describe('EventBus', () => {
  it('delivers an event only to handlers of its type, with the event object itself', () => {
    const bus = new EventBus();
    const trades: TradeEvent[] = [];
    const statuses: StatusEvent[] = [];
    bus.subscribe('trade', (e) => trades.push(e));
    bus.subscribe('status', (e) => statuses.push(e));
    const t = trade(1);
    bus.publish(t);
    assert.equal(trades.length, 1);
    assert.equal(trades[0], t);
    assert.equal(statuses.length, 0);
    bus.publish(status('x'));
    assert.equal(trades.length, 1);
    assert.deepEqual(statuses.map((s) => s.reason), ['x']);
  });

  it('calls handlers of one type in subscription order', () => {
    const bus = new EventBus();
    const calls: string[] = [];
    bus.subscribe('trade', () => calls.push('a'));
    bus.subscribe('trade', () => calls.push('b'));
    bus.subscribe('trade', () => calls.push('c'));
    bus.publish(trade(1));
    assert.deepEqual(calls, ['a', 'b', 'c']);
  });

  it('the disposer returned by subscribe unsubscribes, and calling it again is harmless', () => {
    const bus = new EventBus();
    const calls: string[] = [];
    const dispose = bus.subscribe('trade', () => calls.push('a'));
    bus.subscribe('trade', () => calls.push('b'));
    bus.publish(trade(1));
    dispose();
    bus.publish(trade(2));
    dispose();
    bus.publish(trade(3));
    assert.deepEqual(calls, ['a', 'b', 'b', 'b']);
    assert.equal(bus.subscriberCount('trade'), 1);
  });

  it('a disposer called twice does not remove a second subscription of the same handler', () => {
    const bus = new EventBus();
    let calls = 0;
    const handler = (): void => {
      calls++;
    };
    const first = bus.subscribe('trade', handler);
    bus.subscribe('trade', handler);
    bus.publish(trade(1));
    assert.equal(calls, 2, 'two subscriptions, two calls');
    first();
    first();
    calls = 0;
    bus.publish(trade(2));
    assert.equal(calls, 1, 'the second subscription is still active after the first disposer ran twice');
    assert.equal(bus.subscriberCount('trade'), 1);
  });

  it('subscribeAll receives every event type, and its disposer unsubscribes idempotently', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    const dispose = bus.subscribeAll((e) => seen.push(label(e)));
    bus.subscribe('trade', () => undefined);
    bus.publish(trade(1));
    bus.publish(status('s'));
    bus.publish({ type: 'malformed', time: 0, stream: undefined, reason: 'r', sample: '' });
    assert.deepEqual(seen, ['trade#1', 'status:s', 'malformed']);
    dispose();
    dispose();
    bus.publish(trade(2));
    assert.equal(seen.length, 3);
    assert.equal(bus.subscriberCount(), 1, 'only the typed trade handler is left');
  });

  it('publishBatch delivers events in order, each to all its handlers before the next event', () => {
    const bus = new EventBus();
    const calls: string[] = [];
    bus.subscribe('trade', (e) => calls.push(`t1 ${label(e)}`));
    bus.subscribe('trade', (e) => calls.push(`t2 ${label(e)}`));
    bus.subscribe('status', (e) => calls.push(`s ${label(e)}`));
    bus.subscribeAll((e) => calls.push(`all ${label(e)}`));
    bus.publishBatch([trade(1), status('a'), trade(2)]);
    assert.deepEqual(calls, [
      't1 trade#1',
      't2 trade#1',
      'all trade#1',
      's status:a',
      'all status:a',
      't1 trade#2',
      't2 trade#2',
      'all trade#2',
    ]);
  });

  it('counts published events per type, with or without subscribers, and hands out a copy', () => {
    const bus = new EventBus();
    bus.publishBatch([trade(1), trade(2), status('a')]);
    bus.publish(trade(3));
    const counts = bus.counts();
    assert.equal(counts.trade, 3);
    assert.equal(counts.status, 1);
    for (const type of ENGINE_EVENT_TYPES) {
      if (type !== 'trade' && type !== 'status') assert.equal(counts[type], 0, `${type} count`);
    }
    counts.trade = 100;
    assert.equal(bus.counts().trade, 3, 'mutating the returned counts does not change the bus');
  });

  it('a throwing handler is reported with the event type and error, counted, and the handlers before and after it still run', () => {
    const failures: HandlerFailure[] = [];
    const bus = new EventBus((f) => failures.push(f));
    const calls: string[] = [];
    const boom = new Error('view broke');
    bus.subscribe('trade', () => calls.push('before'));
    bus.subscribe('trade', () => {
      calls.push('thrower');
      throw boom;
    });
    bus.subscribe('trade', () => calls.push('after'));
    bus.subscribeAll(() => calls.push('all'));
    bus.publish(trade(1));
    assert.deepEqual(calls, ['before', 'thrower', 'after', 'all']);
    assert.equal(bus.handlerErrors, 1);
    assert.equal(failures.length, 1);
    assert.equal(failures[0].eventType, 'trade');
    assert.equal(failures[0].error, boom);
  });

  it('a throwing handler does not stop later events of a batch, and every failure is counted', () => {
    const failures: HandlerFailure[] = [];
    const bus = new EventBus((f) => failures.push(f));
    const delivered: string[] = [];
    bus.subscribe('trade', (e) => {
      if (e.id === 1) throw new Error('first trade');
      delivered.push(label(e));
    });
    bus.subscribeAll((e) => {
      if (e.type === 'status') throw 'not even an Error';
      delivered.push(`all ${label(e)}`);
    });
    bus.publishBatch([trade(1), status('a'), trade(2)]);
    assert.deepEqual(delivered, ['all trade#1', 'trade#2', 'all trade#2']);
    assert.equal(bus.handlerErrors, 2);
    assert.deepEqual(
      failures.map((f) => f.eventType),
      ['trade', 'status'],
    );
    assert.equal(failures[1].error, 'not even an Error');
    assert.equal(bus.counts().trade, 2);
  });

  it('an error reporter that throws itself does not break dispatch; the failure is still counted', () => {
    const bus = new EventBus(() => {
      throw new Error('reporter broke');
    });
    const calls: string[] = [];
    bus.subscribe('trade', () => {
      throw new Error('x');
    });
    bus.subscribe('trade', () => calls.push('peer'));
    assert.doesNotThrow(() => bus.publish(trade(1)));
    assert.deepEqual(calls, ['peer']);
    assert.equal(bus.handlerErrors, 1);
  });

  it('a handler that unsubscribes itself during dispatch does not make the next handler be skipped', () => {
    const bus = new EventBus();
    const calls: string[] = [];
    const disposeA = bus.subscribe('trade', () => {
      calls.push('a');
      disposeA();
    });
    bus.subscribe('trade', () => calls.push('b'));
    bus.subscribe('trade', () => calls.push('c'));
    bus.publish(trade(1));
    assert.deepEqual(calls, ['a', 'b', 'c']);
    bus.publish(trade(2));
    assert.deepEqual(calls, ['a', 'b', 'c', 'b', 'c'], 'a is gone from the next dispatch');
  });

  it('a handler that unsubscribes an earlier peer during dispatch does not make a later peer be skipped', () => {
    const bus = new EventBus();
    const calls: string[] = [];
    const disposeA = bus.subscribe('trade', () => calls.push('a'));
    bus.subscribe('trade', () => {
      calls.push('b');
      disposeA();
    });
    bus.subscribe('trade', () => calls.push('c'));
    bus.publish(trade(1));
    assert.deepEqual(calls, ['a', 'b', 'c']);
    bus.publish(trade(2));
    assert.deepEqual(calls, ['a', 'b', 'c', 'b', 'c']);
  });

  it('a subscribeAll handler that unsubscribes itself during dispatch does not make a peer be skipped', () => {
    const bus = new EventBus();
    const calls: string[] = [];
    const disposeA = bus.subscribeAll(() => {
      calls.push('a');
      disposeA();
    });
    bus.subscribeAll(() => calls.push('b'));
    bus.publish(trade(1));
    bus.publish(trade(2));
    assert.deepEqual(calls, ['a', 'b', 'b']);
  });

  it('subscriberCount counts typed and catch-all handlers', () => {
    const bus = new EventBus();
    assert.equal(bus.subscriberCount(), 0);
    bus.subscribe('trade', () => undefined);
    bus.subscribe('trade', () => undefined);
    bus.subscribe('status', () => undefined);
    bus.subscribeAll(() => undefined);
    assert.equal(bus.subscriberCount('trade'), 2);
    assert.equal(bus.subscriberCount('status'), 1);
    assert.equal(bus.subscriberCount('depthUpdate'), 0);
    assert.equal(bus.subscriberCount(), 4);
  });

  it('clear() drops every subscription; old disposers stay harmless and new subscriptions work', () => {
    const bus = new EventBus();
    const calls: string[] = [];
    const dispose = bus.subscribe('trade', () => calls.push('old'));
    bus.subscribeAll(() => calls.push('old-all'));
    bus.clear();
    bus.publish(trade(1));
    assert.equal(calls.length, 0, `no handler ran after clear(): ${calls.join(', ')}`);
    assert.equal(bus.subscriberCount(), 0);
    assert.equal(bus.counts().trade, 1, 'publishing still counts');
    dispose();
    bus.subscribe('trade', () => calls.push('new'));
    bus.publish(trade(2));
    assert.deepEqual(calls, ['new']);
  });
});
