import { REST_BODY_LIES, TICK_LIES, validateFaults } from '../exchange/faults';
import { LocalExchange, type FaultConfig, type LocalExchangeOptions } from '../exchange/localExchange';
import { flag, intOption, parseArgs, stringOption, UsageError, type ParsedArgs } from './args';
import type { CliIo } from './io';

export const EXCHANGE_USAGE =
  'flowsight exchange [--port P] [--symbols A,B] [--seed N] [--replay FILE --speed N] [--drop-every N] [--gap-every N] ' +
  '[--malformed-every N] [--stall] [--rest-status 429|418|451|500|403] [--rest-delay MS] [--ws-reject 451|403|429|418] [--retry-after TEXT] ' +
  '[--ids-reset-after N] [--ids-jump-every N] [--crossed-every N] [--crossed-snapshot] [--impossible-every N] ' +
  '[--tick-size coarser|tiny|zero|missing|changes] [--snapshot-ahead N] [--phantom-every N] [--rest-body endless|trickle|huge] ' +
  '[--huge-frame BYTES] [--close-after-open MS] [--close-after-live MS]';

const REST_STATUSES = [403, 418, 429, 451, 500] as const;
const WS_REJECT_STATUSES = [451, 403, 429, 418] as const;

/**
 * Runs the local Binance-compatible exchange until Ctrl+C: a synthetic market (or a recording
 * replayed as one) with optional faults, for the extension's demo mode and for trying clients by hand.
 */
export async function exchangeCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(
    argv,
    [
      'port', 'symbols', 'seed', 'replay', 'speed', 'drop-every', 'gap-every', 'malformed-every', 'rest-status', 'rest-delay', 'ws-reject',
      'retry-after', 'ids-reset-after', 'ids-jump-every', 'crossed-every', 'impossible-every', 'tick-size', 'snapshot-ahead', 'phantom-every',
      'rest-body', 'huge-frame', 'close-after-open', 'close-after-live',
    ],
    ['stall', 'crossed-snapshot'],
  );
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'\nusage: ${EXCHANGE_USAGE}`);
  const options = exchangeOptions(args);

  let exchange: LocalExchange;
  try {
    exchange = await LocalExchange.start(options);
  } catch (err) {
    io.error(`cannot start the exchange: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  const symbols = exchange.symbols();
  const market =
    options.market?.kind === 'replay'
      ? `replay of ${options.market.file} at ${options.market.speed}x`
      : `synthetic, seed ${options.seed ?? 1}`;
  const example = `${exchange.wsUrl}/public/stream?streams=${symbols[0].toLowerCase()}@depth@100ms/${symbols[0].toLowerCase()}@bookTicker`;
  io.out(`FlowSight local exchange — ${market}: ${symbols.join(', ')}`);
  io.out(`  WebSocket  ${exchange.wsUrl}  (/public/... book data, /market/... trades, mark price, liquidations)`);
  io.out(`  REST       ${exchange.restUrl}  (/fapi/v1/ping, time, exchangeInfo, depth)`);
  io.out(`  example    ${example}`);
  io.out(`  faults     ${describeFaults(options.faults ?? {})}`);
  io.out('Press Ctrl+C to stop.');

  await new Promise<void>((resolve) => {
    if (io.signal.aborted) return resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const stats = exchange.stats();
  await exchange.stop();
  const faults = Object.entries(stats.faultsInjected).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none';
  io.out(
    `stopped: ${stats.connectionsOpened} connections, ${stats.dataMessagesSent} data messages, ` +
      `${stats.restRequests} REST requests, faults injected: ${faults}`,
  );
  return 0;
}

function exchangeOptions(args: ParsedArgs): LocalExchangeOptions {
  const options: LocalExchangeOptions = { port: intOption(args, 'port', 0, 0, 65535) };
  const replay = stringOption(args, 'replay');
  const speedText = stringOption(args, 'speed');
  if (replay !== undefined) {
    const speed = speedText === undefined ? 1 : Number(speedText);
    if (!(speed > 0 && Number.isFinite(speed))) throw new UsageError(`--speed must be a positive number, got '${speedText}'`);
    if (stringOption(args, 'symbols') !== undefined || stringOption(args, 'seed') !== undefined) {
      throw new UsageError('--symbols and --seed are for the synthetic market; a replay serves the recording\'s symbol');
    }
    options.market = { kind: 'replay', file: replay, speed };
  } else {
    if (speedText !== undefined) throw new UsageError('--speed needs --replay FILE');
    const symbols = stringOption(args, 'symbols');
    if (symbols !== undefined) {
      options.symbols = symbols.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '');
      const bad = options.symbols.find((s) => !/^[A-Z0-9]{2,20}$/.test(s));
      if (options.symbols.length === 0 || bad !== undefined) throw new UsageError(`--symbols takes names like BTCUSDT,ETHUSDT, got '${symbols}'`);
    }
    options.seed = intOption(args, 'seed', 1, 0, 2 ** 32 - 1);
  }

  const faults: FaultConfig = {};
  const every = (name: string): number | undefined => (stringOption(args, name) === undefined ? undefined : intOption(args, name, 1, 1, 1_000_000_000));
  faults.dropEveryNMessages = every('drop-every');
  faults.gapEveryNDiffs = every('gap-every');
  faults.malformedEveryNMessages = every('malformed-every');
  if (flag(args, 'stall')) faults.stall = true;
  const retryAfter = stringOption(args, 'retry-after');
  const restStatus = stringOption(args, 'rest-status');
  if (restStatus !== undefined) {
    const status = REST_STATUSES.find((s) => String(s) === restStatus);
    if (status === undefined) throw new UsageError(`--rest-status must be one of ${REST_STATUSES.join(', ')}, got '${restStatus}'`);
    faults.restStatus = retryAfter === undefined ? { status } : { status, retryAfter };
  }
  if (stringOption(args, 'rest-delay') !== undefined) faults.restDelayMs = intOption(args, 'rest-delay', 0, 0, 600_000);
  const wsReject = stringOption(args, 'ws-reject');
  if (wsReject !== undefined) {
    const status = WS_REJECT_STATUSES.find((s) => String(s) === wsReject);
    if (status === undefined) throw new UsageError(`--ws-reject must be one of ${WS_REJECT_STATUSES.join(', ')}, got '${wsReject}'`);
    faults.wsRejectStatus = status;
    faults.wsRetryAfter = retryAfter;
  }
  if (retryAfter !== undefined && restStatus === undefined && wsReject === undefined) throw new UsageError('--retry-after needs --rest-status or --ws-reject');
  faults.idsResetAfterNDiffs = every('ids-reset-after');
  faults.idsJumpEveryNDiffs = every('ids-jump-every');
  faults.crossedEveryNDiffs = every('crossed-every');
  if (flag(args, 'crossed-snapshot')) faults.crossedSnapshot = true;
  faults.impossibleEveryNDiffs = every('impossible-every');
  const tick = stringOption(args, 'tick-size');
  if (tick !== undefined) {
    const lie = TICK_LIES.find((t) => t === tick);
    if (lie === undefined) throw new UsageError(`--tick-size must be one of ${TICK_LIES.join(', ')}, got '${tick}'`);
    faults.tickSize = lie;
  }
  faults.snapshotAheadBy = every('snapshot-ahead');
  faults.phantomEveryNDiffs = every('phantom-every');
  const body = stringOption(args, 'rest-body');
  if (body !== undefined) {
    const kind = REST_BODY_LIES.find((k) => k === body);
    if (kind === undefined) throw new UsageError(`--rest-body must be one of ${REST_BODY_LIES.join(', ')}, got '${body}'`);
    faults.restBody = { kind };
  }
  faults.hugeFrameBytes = every('huge-frame');
  faults.closeAfterOpenMs = every('close-after-open');
  faults.closeAfterSnapshotMs = every('close-after-live');
  options.faults = Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)) as FaultConfig;
  try {
    validateFaults(options.faults);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  return options;
}

function describeFaults(faults: FaultConfig): string {
  const parts: string[] = [];
  if (faults.dropEveryNMessages !== undefined) parts.push(`drop every ${faults.dropEveryNMessages} messages`);
  if (faults.gapEveryNDiffs !== undefined) parts.push(`gap every ${faults.gapEveryNDiffs} diffs`);
  if (faults.malformedEveryNMessages !== undefined) parts.push(`garbage every ${faults.malformedEveryNMessages} messages`);
  if (faults.stall === true) parts.push('stalled sockets');
  if (faults.restStatus !== undefined) parts.push(`REST answers ${faults.restStatus.status}`);
  if (faults.restDelayMs !== undefined) parts.push(`REST delayed ${faults.restDelayMs} ms`);
  if (faults.wsRejectStatus !== undefined) parts.push(`WebSocket upgrades refused with ${faults.wsRejectStatus}`);
  if (faults.restStatus?.retryAfter !== undefined || faults.wsRetryAfter !== undefined) parts.push(`Retry-After "${faults.restStatus?.retryAfter ?? faults.wsRetryAfter}"`);
  if (faults.idsResetAfterNDiffs !== undefined) parts.push(`update ids reset lower after ${faults.idsResetAfterNDiffs} diffs`);
  if (faults.idsJumpEveryNDiffs !== undefined) parts.push(`update ids jump ahead every ${faults.idsJumpEveryNDiffs} diffs`);
  if (faults.crossedEveryNDiffs !== undefined) parts.push(`crossed book every ${faults.crossedEveryNDiffs} diffs`);
  if (faults.crossedSnapshot === true) parts.push('crossed snapshots');
  if (faults.impossibleEveryNDiffs !== undefined) parts.push(`impossible numbers every ${faults.impossibleEveryNDiffs} diffs`);
  if (faults.tickSize !== undefined) parts.push(`exchangeInfo tick size lies (${faults.tickSize})`);
  if (faults.snapshotAheadBy !== undefined) parts.push(`snapshots ${faults.snapshotAheadBy} ids ahead (never bridge)`);
  if (faults.phantomEveryNDiffs !== undefined) parts.push(`phantom level every ${faults.phantomEveryNDiffs} diffs`);
  if (faults.restBody !== undefined) parts.push(`REST depth body ${faults.restBody.kind}`);
  if (faults.hugeFrameBytes !== undefined) parts.push(`one ${faults.hugeFrameBytes}-byte frame per connection`);
  if (faults.closeAfterOpenMs !== undefined) parts.push(`connections closed ${faults.closeAfterOpenMs} ms after opening`);
  if (faults.closeAfterSnapshotMs !== undefined) parts.push(`connections closed ${faults.closeAfterSnapshotMs} ms after a snapshot`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}
