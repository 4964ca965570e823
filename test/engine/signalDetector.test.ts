import assert from 'node:assert/strict';
import type { BookView, Side } from '../../src/engine/book/bookView';
import { OrderBook } from '../../src/engine/book/orderBook';
import type { SignalEvent, TradeEvent } from '../../src/engine/protocol/events';
import { SignalDetector, SignalDetectorOptions } from '../../src/engine/analysis/signalDetector';

let nextId = 1;

function trade(price: number, qty: number, buyerIsMaker: boolean): TradeEvent {
  return {
    type: 'trade',
    symbol: 'BTCUSDT',
    eventTime: 1,
    tradeTime: 1,
    id: nextId++,
    price,
    qty,
    buyerIsMaker,
    aggregated: true,
  };
}

function detector(overrides: Partial<SignalDetectorOptions> = {}): SignalDetector {
  return new SignalDetector({
    symbol: 'BTCUSDT',
    tickSize: 0.1,
    largeTradeQty: 10,
    wallQty: 100,
    wallRangeTicks: 200,
    // Walls tests use a balanced book; keep imbalance out of their way unless a test asks for it.
    imbalanceThreshold: 1,
    hysteresis: 0,
    ...overrides,
  });
}

/** A balanced book around 61660 with five 1-lot levels each side. */
function balancedBook(): OrderBook {
  const book = new OrderBook('BTCUSDT', 0.1);
  book.applyLevels('bid', [61659.9, 1, 61659.8, 1, 61659.7, 1, 61659.6, 1, 61659.5, 1]);
  book.applyLevels('ask', [61660.0, 1, 61660.1, 1, 61660.2, 1, 61660.3, 1, 61660.4, 1]);
  return book;
}

function kinds(signals: SignalEvent[]): string[] {
  return signals.map((s) => `${s.kind}:${s.side}:${s.price}`);
}

describe('SignalDetector', () => {
  describe('largeTrade', () => {
    it('fires at and above largeTradeQty and not below', () => {
      const d = detector();
      assert.equal(d.onTrade(trade(61660, 9.999, false)), undefined);
      const atThreshold = d.onTrade(trade(61660, 10, false));
      assert.ok(atThreshold);
      assert.equal(atThreshold.kind, 'largeTrade');
      assert.equal(atThreshold.value, 10);
      assert.ok(d.onTrade(trade(61660, 50, false)));
    });

    it('names the aggressor from the m flag: buyer-is-maker is a large sell', () => {
      const d = detector();
      const sold = d.onTrade(trade(61659.9, 25, true));
      assert.ok(sold);
      assert.equal(sold.side, 'ask');
      assert.equal(sold.message, 'Large sell 25 at 61659.9');
      const bought = d.onTrade(trade(61660, 12.5, false));
      assert.ok(bought);
      assert.equal(bought.side, 'bid');
      assert.equal(bought.message, 'Large buy 12.5 at 61660.0');
    });
  });

  describe('walls', () => {
    it('takes the first book as the baseline without announcing the walls already in it', () => {
      const d = detector();
      const book = balancedBook();
      book.setLevel('bid', 61650, 500);
      assert.deepEqual(d.onBook(book, 1), []);
    });

    it('reports a wall that appears within range, once', () => {
      const d = detector();
      const book = balancedBook();
      d.onBook(book, 1);
      book.setLevel('bid', 61650, 152.3);
      const signals = d.onBook(book, 2);
      assert.deepEqual(kinds(signals), ['wallAppeared:bid:61650']);
      assert.equal(signals[0].message, 'Bid wall 152.3 at 61650.0 appeared');
      assert.equal(signals[0].value, 152.3);
      assert.equal(signals[0].time, 2);
      assert.deepEqual(d.onBook(book, 3), []);
    });

    it('reports an ask wall growing through wallQty but ignores one outside wallRangeTicks', () => {
      const d = detector({ wallRangeTicks: 50 });
      const book = balancedBook();
      book.setLevel('ask', 61663, 60);
      d.onBook(book, 1);
      book.setLevel('ask', 61663, 120); // 30 ticks from the best ask
      book.setLevel('ask', 61670, 500); // 100 ticks away: out of range
      const signals = d.onBook(book, 2);
      assert.deepEqual(kinds(signals), ['wallAppeared:ask:61663']);
      assert.equal(signals[0].message, 'Ask wall 120 at 61663.0 appeared');
    });

    it('reports a wall pulled when it vanishes without trades, with its last size', () => {
      const d = detector();
      const book = balancedBook();
      book.setLevel('ask', 61665, 300);
      d.onBook(book, 1);
      book.setLevel('ask', 61665, 0);
      const signals = d.onBook(book, 2);
      assert.deepEqual(kinds(signals), ['wallPulled:ask:61665']);
      assert.equal(signals[0].value, 300);
      assert.equal(signals[0].message, 'Ask wall 300 at 61665.0 pulled');
    });

    it('reports a pull when the wall shrinks below wallQty but a level remains', () => {
      const d = detector();
      const book = balancedBook();
      book.setLevel('bid', 61655, 300);
      d.onBook(book, 1);
      book.setLevel('bid', 61655, 20);
      assert.deepEqual(kinds(d.onBook(book, 2)), ['wallPulled:bid:61655']);
    });

    it('does not call a wall pulled when trades at its price consumed it', () => {
      const d = detector();
      const book = balancedBook();
      book.setLevel('bid', 61659.9, 300); // the wall is the best bid
      d.onBook(book, 1);
      d.onTrade(trade(61659.9, 8, true));
      d.onTrade(trade(61659.9, 9, true));
      book.setLevel('bid', 61659.9, 0);
      assert.deepEqual(d.onBook(book, 2), []);
    });

    it('does not call a wall pulled when a trade printed beyond it', () => {
      const d = detector();
      const book = balancedBook();
      book.setLevel('ask', 61660.2, 300);
      d.onBook(book, 1);
      // A buyer swept up to 61660.3, so everything below was taken.
      d.onTrade(trade(61660.3, 5, false));
      book.applyLevels('ask', [61660.0, 0, 61660.1, 0, 61660.2, 0, 61660.3, 0]);
      assert.deepEqual(d.onBook(book, 2), []);
    });

    it('does not call a wall pulled when the opposite touch has reached its price', () => {
      const d = detector();
      const book = balancedBook();
      book.setLevel('bid', 61659, 300);
      d.onBook(book, 1);
      // No trade seen (e.g. the trade stream lagged), but the asks are now at the wall's price.
      book.replaceSide('bid', [61658.9, 1]);
      book.replaceSide('ask', [61659.0, 1, 61659.1, 1]);
      assert.deepEqual(d.onBook(book, 2), []);
    });

    it('forgets traded prices at each book, so an earlier trade does not excuse a later pull', () => {
      const d = detector();
      const book = balancedBook();
      book.setLevel('bid', 61659.9, 300);
      d.onBook(book, 1);
      d.onTrade(trade(61659.9, 1, true));
      book.setLevel('bid', 61659.9, 299);
      assert.deepEqual(d.onBook(book, 2), []);
      book.setLevel('bid', 61659.9, 0);
      assert.deepEqual(kinds(d.onBook(book, 3)), ['wallPulled:bid:61659.9']);
    });

    it('neither pulls nor re-announces a wall the touch merely moved away from', () => {
      const d = detector({ wallRangeTicks: 50 });
      const book = balancedBook();
      book.setLevel('bid', 61655, 300); // 49 ticks below the best bid
      d.onBook(book, 1);
      book.replaceSide('ask', [61660.6, 1]);
      book.setLevel('bid', 61660.5, 1); // best bid now 55 ticks above the wall
      assert.deepEqual(d.onBook(book, 2), []);
      book.setLevel('bid', 61660.5, 0); // back within range
      assert.deepEqual(d.onBook(book, 3), []);
    });
  });

  describe('imbalanceCrossed', () => {
    /** One level each side sized so the imbalance is exactly `value`. */
    function bookWithImbalance(value: number): OrderBook {
      const book = new OrderBook('BTCUSDT', 0.1);
      book.setLevel('bid', 61659.9, 50 + 50 * value);
      book.setLevel('ask', 61660.0, 50 - 50 * value);
      return book;
    }

    it('fires once per crossing and re-arms only after coming back inside threshold − hysteresis', () => {
      const d = detector({ imbalanceThreshold: 0.6, hysteresis: 0.1 });
      const fired: number[] = [];
      const sequence = [0, 0.7, 0.8, 0.55, 0.7, 0.4, 0.65];
      for (let i = 0; i < sequence.length; i++) {
        for (const s of d.onBook(bookWithImbalance(sequence[i]), i)) {
          assert.equal(s.kind, 'imbalanceCrossed');
          fired.push(i);
        }
      }
      // Step 3 (0.55) is inside the threshold but within the hysteresis band, so step 4 is not new.
      assert.deepEqual(fired, [1, 6]);
    });

    it('fires on the ask side at −threshold with the imbalance value and the mid', () => {
      const d = detector({ imbalanceThreshold: 0.6, hysteresis: 0.1, imbalanceLevels: 5 });
      d.onBook(bookWithImbalance(0), 1);
      const signals = d.onBook(bookWithImbalance(-0.7), 2);
      assert.equal(signals.length, 1);
      assert.equal(signals[0].side, 'ask');
      assert.equal(signals[0].value, -0.7);
      assert.equal(signals[0].price, 61659.95);
      assert.equal(signals[0].message, 'Ask imbalance -0.70 over top 5 levels');
    });

    it('fires straight from one extreme to the other', () => {
      const d = detector({ imbalanceThreshold: 0.6, hysteresis: 0.1 });
      d.onBook(bookWithImbalance(0), 1);
      assert.equal(d.onBook(bookWithImbalance(0.8), 2)[0]?.side, 'bid');
      assert.equal(d.onBook(bookWithImbalance(-0.8), 3)[0]?.side, 'ask');
    });

    it('does not fire when starting inside an extreme, nor while a side is empty', () => {
      const d = detector({ imbalanceThreshold: 0.6, hysteresis: 0.1 });
      assert.deepEqual(d.onBook(bookWithImbalance(0.9), 1), []);
      const oneSided = new OrderBook('BTCUSDT', 0.1);
      oneSided.setLevel('ask', 61660, 5);
      assert.deepEqual(d.onBook(oneSided, 2), []);
    });
  });

  it('looks only at levels near the touch on a deep book', () => {
    const book = new OrderBook('BTCUSDT', 0.1);
    const bids: number[] = [];
    const asks: number[] = [];
    for (let i = 0; i < 20000; i++) {
      bids.push((616599 - i) / 10, 1);
      asks.push((616600 + i) / 10, 1);
    }
    book.replaceSide('bid', bids);
    book.replaceSide('ask', asks);
    let visited = 0;
    const view: BookView = {
      symbol: book.symbol,
      tickSize: book.tickSize,
      levelCount: (side: Side) => book.levelCount(side),
      bestPrice: (side: Side) => book.bestPrice(side),
      bestQty: (side: Side) => book.bestQty(side),
      qtyAt: (side: Side, price: number) => book.qtyAt(side, price),
      readTop: (side, max, prices, qtys) => book.readTop(side, max, prices, qtys),
      forEachLevel: (side, visit) =>
        book.forEachLevel(side, (price, qty, index) => {
          visited++;
          return visit(price, qty, index);
        }),
    };
    const d = detector({ wallRangeTicks: 20, imbalanceLevels: 10, imbalanceThreshold: 0.6 });
    d.onBook(view, 1);
    d.onBook(view, 2);
    // Per call: at most 22 levels per side for walls and 10 per side for imbalance.
    assert.ok(visited <= 2 * (2 * 22 + 2 * 10), `visited ${visited} levels`);
  });
});
