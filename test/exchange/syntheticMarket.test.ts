import assert from 'node:assert/strict';
import type { WireBookTicker, WireDepthUpdate, WireForceOrder, WireTrade } from '../../src/engine/protocol/binanceTypes';
import { SyntheticMarket } from '../../src/engine/exchange/syntheticMarket';
import { FIXED_CLOCK } from './exchangeTestKit';

interface Published {
  stream: string;
  payload: string;
}

/** A market whose sink records the streams named by `kinds` (e.g. '@trade'), as if subscribed. */
function market(symbols: string[], seed: number, kinds: string[]): { market: SyntheticMarket; published: Published[] } {
  const published: Published[] = [];
  const m = new SyntheticMarket({
    symbols,
    seed,
    stepMs: 50,
    clock: FIXED_CLOCK,
    sink: { wants: (stream) => kinds.some((k) => stream.endsWith(k)), publish: (stream, payload) => published.push({ stream, payload }) },
  });
  return { market: m, published };
}

function payloads<T>(published: Published[], stream: string): T[] {
  return published.filter((p) => p.stream === stream).map((p) => JSON.parse(p.payload) as T);
}

describe('synthetic market', () => {
  it('starts each symbol near its typical price with 1000+ levels a side, thin at the touch', () => {
    const { market: m } = market(['BTCUSDT', 'ETHUSDT', 'DOGEUSDT'], 1, []);
    const expected: Record<string, number> = { BTCUSDT: 60000, ETHUSDT: 3000, DOGEUSDT: 0.15 };
    for (const [symbol, price] of Object.entries(expected)) {
      const book = m.topOfBook(symbol, 2000);
      assert.ok(book.bids.length >= 1000 && book.asks.length >= 1000, `${symbol}: ${book.bids.length}/${book.asks.length} levels`);
      assert.ok(Math.abs(book.bids[0][0] / price - 1) < 0.001, `${symbol} bid ${book.bids[0][0]}`);
      const near = book.bids.slice(0, 10).reduce((s, [, q]) => s + q, 0) / 10;
      const far = book.bids.slice(500, 600).reduce((s, [, q]) => s + q, 0) / 100;
      assert.ok(far > 2 * near, `${symbol}: levels thicken away from the touch (${near} near, ${far} far)`);
    }
  });

  it('moves like a market: a 1-tick spread most of the time, trades at the touch, ids always rising', () => {
    const { market: m, published } = market(['BTCUSDT'], 1, ['@depth@0ms', '@bookTicker', '@trade']);
    const spreads: number[] = [];
    const mids: number[] = [];
    for (let s = 0; s < 2400; s++) {
      m.advance(1);
      const top = m.topOfBook('BTCUSDT', 1);
      assert.ok(top.bids[0][0] < top.asks[0][0], `crossed at step ${s}`);
      spreads.push(Math.round((top.asks[0][0] - top.bids[0][0]) * 10));
      mids.push((top.asks[0][0] + top.bids[0][0]) / 2);
    }
    const oneTick = spreads.filter((s) => s === 1).length / spreads.length;
    assert.ok(oneTick > 0.7, `spread is one tick ${(oneTick * 100).toFixed(0)} % of the time`);
    const range = Math.max(...mids) - Math.min(...mids);
    assert.ok(range > 5 && range < 3000, `the price moved ${range.toFixed(1)} in two minutes`);

    const diffs = payloads<WireDepthUpdate>(published, 'btcusdt@depth@0ms');
    for (let i = 1; i < diffs.length; i++) {
      assert.equal(diffs[i].pu, diffs[i - 1].u);
      assert.ok(diffs[i].U > diffs[i - 1].u && diffs[i].u >= diffs[i].U);
    }
    const tickers = payloads<WireBookTicker>(published, 'btcusdt@bookTicker');
    assert.ok(tickers.every((t, i) => i === 0 || t.u > tickers[i - 1].u), 'bookTicker update ids rise');
    const trades = payloads<WireTrade>(published, 'btcusdt@trade');
    assert.ok(trades.length > 500, `${trades.length} trades`);
    assert.ok(trades.every((t, i) => i === 0 || t.t === trades[i - 1].t + 1), 'trade ids are consecutive');
    assert.ok(trades.some((t) => t.m) && trades.some((t) => !t.m), 'both aggressor sides');
  });

  it('publishes the mark price every second on @1s and every 3 s on the plain stream', () => {
    const { market: m, published } = market(['DOGEUSDT'], 2, ['@markPrice', '@markPrice@1s']);
    m.advance(20 * 9);
    assert.equal(payloads(published, 'dogeusdt@markPrice@1s').length, 9);
    assert.equal(payloads(published, 'dogeusdt@markPrice').length, 3);
  });

  it('clusters trades in bursts rather than spreading them evenly', () => {
    const { market: m, published } = market(['ETHUSDT'], 3, ['@aggTrade']);
    const perSecond: number[] = [];
    for (let s = 0; s < 120; s++) {
      const before = published.length;
      m.advance(20);
      perSecond.push(published.slice(before).filter((p) => p.stream === 'ethusdt@aggTrade').length);
    }
    const mean = perSecond.reduce((a, b) => a + b, 0) / perSecond.length;
    const variance = perSecond.reduce((a, b) => a + (b - mean) ** 2, 0) / perSecond.length;
    // A Poisson flow has variance ≈ mean; self-exciting bursts make it several times larger.
    assert.ok(variance > 2 * mean, `variance ${variance.toFixed(1)} vs mean ${mean.toFixed(1)} of aggTrades a second`);
  });

  it('shows walls that come and go, and an occasional liquidation', () => {
    const { market: m, published } = market(['BTCUSDT', 'ETHUSDT', 'DOGEUSDT'], 11, ['@forceOrder', 'btcusdt@depth@500ms']);
    m.advance(20 * 240);
    const liquidations = ['btcusdt', 'ethusdt', 'dogeusdt'].flatMap((s) => payloads<WireForceOrder>(published, `${s}@forceOrder`));
    assert.ok(liquidations.length >= 3 && liquidations.length < 400, `${liquidations.length} liquidations in 4 minutes`);
    const order = liquidations[0].o;
    assert.deepEqual(Object.keys(order), ['s', 'S', 'o', 'f', 'q', 'p', 'ap', 'X', 'l', 'z', 'T']);
    assert.equal(order.X, 'FILLED');
    assert.ok(Number(order.ap) > 0 && Number(order.q) > 0);
    // A wall is a level of 30 times the usual touch size or more (BTC: 45+); it appears and later goes.
    const wallSize = 45;
    const sizes = new Map<string, number>();
    let appeared = 0;
    let went = 0;
    for (const diff of payloads<WireDepthUpdate>(published, 'btcusdt@depth@500ms')) {
      for (const [price, qty] of [...diff.b, ...diff.a]) {
        const before = sizes.get(price) ?? 0;
        const now = Number(qty);
        if (before < wallSize && now >= wallSize) appeared++;
        if (before >= wallSize && now < wallSize) went++;
        sizes.set(price, now);
      }
    }
    assert.ok(appeared >= 3 && went >= 2, `${appeared} walls appeared, ${went} went`);
  });
});
