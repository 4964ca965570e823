import assert from 'node:assert/strict';
import type { MarketSink } from '../../src/engine/exchange/market';
import { SyntheticMarket } from '../../src/engine/exchange/syntheticMarket';
import { FIXED_CLOCK, Fixture, getJson } from './exchangeTestKit';

/** Records every payload of every stream, as if every stream had a subscriber. */
function recordingSink(): MarketSink & { messages: string[] } {
  const messages: string[] = [];
  return { messages, wants: () => true, publish: (stream, payload) => messages.push(`${stream} ${payload}`) };
}

function run(seed: number, steps: number): string[] {
  const sink = recordingSink();
  const market = new SyntheticMarket({ symbols: ['BTCUSDT', 'ETHUSDT', 'DOGEUSDT'], seed, stepMs: 50, clock: FIXED_CLOCK, sink });
  market.advance(steps);
  return sink.messages;
}

describe('local exchange determinism', () => {
  const fixture = new Fixture();
  afterEach(() => fixture.dispose());

  it('produces the same market for the same seed and a different one for another seed', () => {
    const first = run(42, 400);
    const again = run(42, 400);
    const other = run(43, 400);
    assert.ok(first.length > 1000, `${first.length} messages in 20 s of market time`);
    assert.deepEqual(again, first);
    assert.notDeepEqual(other.slice(0, 200), first.slice(0, 200));
  });

  it('does not depend on who is watching: the book evolves the same with or without subscribers', () => {
    const quiet: MarketSink = { wants: () => false, publish: () => assert.fail('nothing is wanted') };
    const watched = new SyntheticMarket({ symbols: ['BTCUSDT'], seed: 5, stepMs: 50, clock: FIXED_CLOCK, sink: recordingSink() });
    const unwatched = new SyntheticMarket({ symbols: ['BTCUSDT'], seed: 5, stepMs: 50, clock: FIXED_CLOCK, sink: quiet });
    watched.advance(300);
    unwatched.advance(300);
    assert.deepEqual(unwatched.topOfBook('BTCUSDT', 1000), watched.topOfBook('BTCUSDT', 1000));
  });

  it('serves two exchanges with the same seed the same first events over the network', async () => {
    const streams = 'btcusdt@depth@100ms/btcusdt@trade/ethusdt@bookTicker';
    const a = await fixture.exchange({ seed: 9, clock: FIXED_CLOCK, stepMs: 20 });
    const b = await fixture.exchange({ seed: 9, clock: FIXED_CLOCK, stepMs: 20 });
    // The market rests until its first client connects, so each first client sees it from its first step.
    const clientA = await fixture.client(`${a.wsUrl}/public/stream?streams=${streams}`);
    const clientB = await fixture.client(`${b.wsUrl}/public/stream?streams=${streams}`);
    const n = 150;
    await clientA.until(`${n} messages`, () => clientA.messages.length >= n);
    await clientB.until(`${n} messages`, () => clientB.messages.length >= n);
    assert.deepEqual(clientB.messages.slice(0, n), clientA.messages.slice(0, n));
    assert.deepEqual((await getJson(`${a.restUrl}/fapi/v1/exchangeInfo`)).body, (await getJson(`${b.restUrl}/fapi/v1/exchangeInfo`)).body);
  });
});
