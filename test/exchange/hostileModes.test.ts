import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { ID_SHIFT, validateFaults, type FaultConfig } from '../../src/engine/exchange/faults';
import { IMPOSSIBLE_LEVELS } from '../../src/engine/exchange/diffLies';
import { Fixture, getJson, sleep } from './exchangeTestKit';

interface Diff {
  U: number;
  u: number;
  pu: number;
  b: Array<[string, string]>;
  a: Array<[string, string]>;
}

describe('local exchange hostile modes', () => {
  const fixture = new Fixture();
  afterEach(() => fixture.dispose());

  it('refuses hostile options that make no sense, naming them', () => {
    const bad: Array<[FaultConfig, RegExp]> = [
      [{ idsResetAfterNDiffs: 0 }, /idsResetAfterNDiffs/],
      [{ idsJumpEveryNDiffs: 1.5 }, /idsJumpEveryNDiffs/],
      [{ impossibleEveryNDiffs: -1 }, /impossibleEveryNDiffs/],
      [{ tickSize: 'huge' as never }, /tickSize must be one of coarser, tiny, zero, missing, changes/],
      [{ restBody: { kind: 'slow' as never } }, /restBody.kind/],
      [{ restBody: { kind: 'endless', path: 'depth' } }, /restBody.path/],
      [{ restStatus: { status: 429, retryAfter: '5\r\nX-Evil: 1' } }, /restStatus.retryAfter must be one line/],
      [{ wsRejectStatus: 500 as never }, /wsRejectStatus must be 403, 418, 429 or 451/],
      [{ closeAfterOpenMs: 0 }, /closeAfterOpenMs/],
    ];
    for (const [faults, message] of bad) assert.throws(() => validateFaults(faults), message, JSON.stringify(faults));
    assert.doesNotThrow(() => validateFaults({ restStatus: { status: 418, retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT' }, tickSize: 'changes', restBody: { kind: 'huge', path: '/fapi/v1/exchangeInfo', status: 500 } }));
  });

  it('lies about the tick size in exchangeInfo, each way', async () => {
    const exchange = await fixture.exchange();
    const tickOf = async (): Promise<string | undefined> => {
      const info = (await getJson(`${exchange.restUrl}/fapi/v1/exchangeInfo`)).body as { symbols: Array<{ symbol: string; filters: Array<{ filterType: string; tickSize?: string }> }> };
      return info.symbols.find((s) => s.symbol === 'BTCUSDT')!.filters.find((f) => f.filterType === 'PRICE_FILTER')?.tickSize;
    };
    assert.equal(await tickOf(), '0.1');
    const told: Record<string, Array<string | undefined>> = {};
    for (const lie of ['coarser', 'tiny', 'zero', 'missing', 'changes'] as const) {
      exchange.setFaults({ tickSize: lie });
      told[lie] = [await tickOf(), await tickOf()];
    }
    assert.deepEqual(told, {
      coarser: ['1', '1'],
      tiny: ['0.0000000001', '0.0000000001'],
      zero: ['0', '0'],
      missing: [undefined, undefined],
      changes: ['0.01', '0.1'],
    });
  });

  it('serves snapshots that never bridge, or crossed', async () => {
    const exchange = await fixture.exchange({ faults: { snapshotAheadBy: 1000, crossedSnapshot: true } });
    exchange.pause();
    const truth = exchange.topOfBook('BTCUSDT', 1);
    const snapshot = (await getJson(`${exchange.restUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=5`)).body as { lastUpdateId: number; bids: Array<[string, string]>; asks: Array<[string, string]> };
    assert.equal(snapshot.lastUpdateId, truth.lastUpdateId + 1000);
    assert.ok(Number(snapshot.bids[0][0]) > Number(snapshot.asks[0][0]), `bid ${snapshot.bids[0][0]} above ask ${snapshot.asks[0][0]}`);
    assert.deepEqual(exchange.stats().faultsInjected, { snapshotAhead: 1, crossed: 1 });
  });

  it('refuses WebSocket upgrades with 429 and the Retry-After it is given', async () => {
    const exchange = await fixture.exchange({ faults: { wsRejectStatus: 429, wsRetryAfter: '3000000' } });
    const ws = new WebSocket(`${exchange.wsUrl}/public/ws/btcusdt@trade`);
    ws.on('error', () => undefined);
    const refusal = await new Promise<{ status: number | undefined; retryAfter: unknown }>((resolve) => {
      ws.once('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'] });
        res.resume();
        ws.terminate();
      });
    });
    assert.deepEqual(refusal, { status: 429, retryAfter: '3000000' });
  });

  it('tells lies in the diffs: ids reset lower, crossed bids, impossible numbers, each recorded', async () => {
    const exchange = await fixture.exchange({ stepMs: 20, faults: { idsResetAfterNDiffs: 4, crossedEveryNDiffs: 2, impossibleEveryNDiffs: 1 } });
    const client = await fixture.client(`${exchange.wsUrl}/public/ws/btcusdt@depth@0ms`);
    await client.until('12 diffs', () => client.messages.length >= 12);
    const diffs = client.json() as unknown as Diff[];
    // The chain holds up to the reset, then jumps back by ID_SHIFT and holds again.
    assert.equal(diffs[3].pu, diffs[2].u - ID_SHIFT);
    for (let i = 4; i < 12; i++) assert.equal(diffs[i].pu, diffs[i - 1].u);
    const bestAsk = (d: Diff): number => Math.min(...d.a.map((l) => Number(l[0])), Infinity);
    assert.ok(diffs.filter((_d, i) => (i + 1) % 2 === 0).every((d) => d.b.some((l) => Number(l[0]) > bestAsk(d) || d.a.length === 0)), 'every second diff carries a bid above its asks');
    const impossible = exchange.stats().faultsInjected.impossible ?? 0;
    assert.ok(impossible >= 8, `every kind of impossible level was told (${impossible})`);
    const texts = client.messages.slice(0, IMPOSSIBLE_LEVELS.length).join('\n');
    for (const sign of ['["0",', '1e308', '1e-400', '"00', '"Infinity"', '"-']) assert.ok(texts.includes(sign), `a level with ${sign}`);
  });

  it('closes each connection 150 ms after it opens, normally', async () => {
    const exchange = await fixture.exchange({ faults: { closeAfterOpenMs: 150 } });
    const client = await fixture.client(`${exchange.wsUrl}/public/ws/btcusdt@trade`);
    const opened = Date.now();
    assert.equal(await client.closed, 1000);
    assert.ok(Date.now() - opened >= 100, `${Date.now() - opened} ms`);
    assert.equal(exchange.stats().faultsInjected.closeAfterOpen, 1);
  });

  it('streams a depth body without end until the client hangs up, and stops when the exchange stops', async () => {
    const exchange = await fixture.exchange({ faults: { restBody: { kind: 'endless' } } });
    const res = await fetch(`${exchange.restUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=1000`);
    const reader = res.body!.getReader();
    let bytes = 0;
    while (bytes < 4 * 1024 * 1024) bytes += (await reader.read()).value?.byteLength ?? 0;
    await reader.cancel();
    await sleep(20);
    assert.equal(exchange.stats().faultsInjected.restBody, 1);
  });
});
