import assert from 'node:assert/strict';
import type { TradeEvent } from '../../src/engine/protocol/events';
import { TradeFlow, aggressorSide } from '../../src/engine/analysis/tradeFlow';

let nextId = 1;

function trade(price: number, qty: number, buyerIsMaker: boolean, tradeTime = 1000): TradeEvent {
  return {
    type: 'trade',
    symbol: 'BTCUSDT',
    eventTime: tradeTime,
    tradeTime,
    id: nextId++,
    price,
    qty,
    buyerIsMaker,
    aggregated: true,
  };
}

/** An aggressive buy: the seller rested, so the buyer was the taker (m = false). */
const buy = (price: number, qty: number, time?: number): TradeEvent => trade(price, qty, false, time);
/** An aggressive sell: the buyer rested (m = true). */
const sell = (price: number, qty: number, time?: number): TradeEvent => trade(price, qty, true, time);

describe('TradeFlow', () => {
  it('maps m = true (buyer is maker) to a sell aggressor and m = false to a buy aggressor', () => {
    assert.equal(aggressorSide(trade(100, 1, true)), 'sell');
    assert.equal(aggressorSide(trade(100, 1, false)), 'buy');
    const flow = new TradeFlow({ tickSize: 0.1 });
    flow.onTrade(trade(100, 1, true));
    assert.equal(flow.lastSide, 'sell');
    flow.onTrade(trade(100, 1, false));
    assert.equal(flow.lastSide, 'buy');
  });

  it('raises CVD on aggressive buys and lowers it on buyer-is-maker trades, from 0', () => {
    const flow = new TradeFlow({ tickSize: 0.1 });
    assert.equal(flow.cvd, 0);
    flow.onTrade(buy(100, 2));
    assert.equal(flow.cvd, 2);
    flow.onTrade(sell(100, 5));
    assert.equal(flow.cvd, -3);
    flow.onTrade(buy(100.1, 1));
    assert.equal(flow.cvd, -2);
    assert.equal(flow.buyVolume, 3);
    assert.equal(flow.sellVolume, 5);
    assert.equal(flow.tradeCount, 3);
  });

  it('tracks the last price, aggressor and trade time', () => {
    const flow = new TradeFlow({ tickSize: 0.1 });
    assert.ok(Number.isNaN(flow.lastPrice));
    assert.equal(flow.lastSide, undefined);
    flow.onTrade(sell(61659.7, 1, 1234));
    assert.equal(flow.lastPrice, 61659.7);
    assert.equal(flow.lastSide, 'sell');
    assert.equal(flow.lastTime, 1234);
  });

  it('splits volume at price by aggressor and keys it by tick, so float noise lands on one price', () => {
    const flow = new TradeFlow({ tickSize: 0.1 });
    flow.onTrade(buy(61659.7, 2));
    flow.onTrade(sell(616597 * 0.1, 3)); // 61659.700000000004
    flow.onTrade(buy(61659.8, 7));
    assert.deepEqual(flow.volumeAt(61659.7), { buy: 2, sell: 3 });
    assert.deepEqual(flow.volumeAt(61659.8), { buy: 7, sell: 0 });
    assert.deepEqual(flow.volumeAt(61659.6), { buy: 0, sell: 0 });
    assert.equal(flow.priceLevelCount, 2);
  });

  it('keeps only the newest trades up to capacity and reads them newest first', () => {
    const flow = new TradeFlow({ tickSize: 0.1, capacity: 3 });
    const trades = [buy(1, 1), buy(2, 1), sell(3, 1), buy(4, 1), sell(5, 1)];
    for (const t of trades) flow.onTrade(t);
    assert.equal(flow.size, 3);
    const seen: number[] = [];
    flow.forEachRecent((t) => {
      seen.push(t.price);
    });
    assert.deepEqual(seen, [5, 4, 3]);
    // Statistics cover every trade, not just the ones still in the tape.
    assert.equal(flow.tradeCount, 5);
  });

  it('reads at most max trades, passes the aggressor side, and stops when the visitor returns false', () => {
    const flow = new TradeFlow({ tickSize: 0.1, capacity: 10 });
    for (let i = 1; i <= 6; i++) flow.onTrade(i % 2 === 0 ? buy(i, 1) : sell(i, 1));
    const limited: string[] = [];
    flow.forEachRecent((t, side, index) => {
      limited.push(`${index}:${t.price}:${side}`);
    }, 2);
    assert.deepEqual(limited, ['0:6:buy', '1:5:sell']);
    const stopped: number[] = [];
    flow.forEachRecent((t) => {
      stopped.push(t.price);
      return stopped.length < 3;
    });
    assert.deepEqual(stopped, [6, 5, 4]);
  });

  it('evicts the price levels farthest from the last price when above the cap', () => {
    const flow = new TradeFlow({ tickSize: 1, maxPriceLevels: 10 });
    for (let p = 100; p < 110; p++) flow.onTrade(buy(p, 1));
    assert.equal(flow.priceLevelCount, 10);
    flow.onTrade(sell(150, 4));
    assert.ok(flow.priceLevelCount <= 10, `kept ${flow.priceLevelCount}`);
    assert.deepEqual(flow.volumeAt(150), { buy: 0, sell: 4 });
    assert.deepEqual(flow.volumeAt(109), { buy: 1, sell: 0 });
    assert.deepEqual(flow.volumeAt(100), { buy: 0, sell: 0 });
    // Totals are not affected by eviction.
    assert.equal(flow.buyVolume, 10);
  });

  it('stays within the price cap over a long random walk', () => {
    const flow = new TradeFlow({ tickSize: 0.1, maxPriceLevels: 100 });
    let ticks = 600000;
    let seed = 3;
    for (let i = 0; i < 20000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      ticks += (seed % 41) - 20;
      flow.onTrade(buy(ticks / 10, 1));
      assert.ok(flow.priceLevelCount <= 100);
    }
    assert.equal(flow.volumeAt(ticks / 10).buy > 0, true);
  });

  it('reset() returns every statistic and the tape to the empty state', () => {
    const flow = new TradeFlow({ tickSize: 0.1 });
    flow.onTrade(buy(100, 2, 5));
    flow.onTrade(sell(101, 1, 6));
    flow.reset();
    assert.equal(flow.cvd, 0);
    assert.equal(flow.buyVolume, 0);
    assert.equal(flow.sellVolume, 0);
    assert.equal(flow.tradeCount, 0);
    assert.equal(flow.size, 0);
    assert.equal(flow.priceLevelCount, 0);
    assert.ok(Number.isNaN(flow.lastPrice));
    assert.equal(flow.lastSide, undefined);
    assert.equal(flow.lastTime, 0);
    let visited = 0;
    flow.forEachRecent(() => {
      visited++;
    });
    assert.equal(visited, 0);
  });

  it('rejects a capacity or price cap below 1', () => {
    assert.throws(() => new TradeFlow({ tickSize: 0.1, capacity: 0 }), RangeError);
    assert.throws(() => new TradeFlow({ tickSize: 0.1, maxPriceLevels: 0 }), RangeError);
  });
});
