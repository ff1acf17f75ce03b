import type { CostReport } from '../../domain/costs.js';
import type { TariffPeriod } from '../../domain/offer-types.js';
import { parisDayOfDate, parisMinuteAt, tempoDayOfMinute } from '../../domain/tariff-periods.js';
import type { ParisDay } from '../../domain/tariff-periods.js';
import type { TempoColorCode } from '../../domain/vocabulary.js';
import type { RunSettings } from '../../config/run-settings.js';
import type { Pdl, QueryLayer } from '../../query/types.js';
import { costReportDetails } from '../costs/cost-details.js';
import { loadPdlCosts } from '../costs/pdl-costs.js';
import type { PdlCosts } from '../costs/pdl-costs.js';
import { mergeDates, tempoRepairDates } from '../costs/tempo-repair.js';
import type { BatchSender, Series } from './batch-sender.js';
import { slotValue, withSlot } from './state.js';
import type { BackfillState } from './state.js';
import type { BackfillSchema, TariffGranularity, TariffSeries } from './writer.js';

/**
 * A PDL's consumption by tariff, with its cost at the price in force, riding on its load curve: each half-hour
 * at its start, and once a day's every half-hour has its tariff, each tariff's sum over the day at its Paris
 * midnight (the day total is never sent incomplete, so it never needs a correction).
 *
 * A server may keep every sample it receives (VictoriaMetrics without deduplication does), so what was sent is
 * remembered per day: the Tempo colour of each part of it (before 06:00 the previous Tempo day bills, after it
 * the day's own). When a colour arrives or changes (`tempo_days.updated_at`), only the hours of the part whose
 * colour differs from what was sent go out, and the day totals of the tariffs they touch; a colour row merely
 * rewritten sends nothing. A corrected colour leaves the old colour's samples where they are (a time-series
 * server has no delete here). Offers without a day calendar have nothing to repair: a day is sent with its load
 * curve, or on the first pass that prices it.
 */

/** Sample kinds in the pass's details. */
export const TARIFF_KINDS = { energy: 'tariff_energy', cost: 'cost' } as const;

/** Per day: what the part before the Tempo day's start and the rest were sent with (a colour letter). */
const SLOT_WIDTH = 2;
const NEVER_SENT = '__';
const AWAITING = '.';
const NO_CALENDAR = '--';
const LETTERS: Record<TempoColorCode, string> = { BLUE: 'B', WHITE: 'W', RED: 'R' };

/** The key of a PDL's tariff days in the engine's state (`fingerprints`, `backfilled`). */
export function tariffStateKey(usagePointId: string): string {
  return `${usagePointId}:tariffs`;
}

export interface TariffDaysInput {
  sender: BatchSender;
  costs: PdlCosts;
  seriesOf(tariff: TariffPeriod, granularity: TariffGranularity): TariffSeries;
  /** What earlier passes sent: per month, one slot per day. */
  sent: Readonly<Record<string, string>>;
  /** The same, updated as the server accepts each day's samples: the state to keep. */
  confirmed: Record<string, string>;
}

/** One day of the load curve: its readings in time order, then `end()`. */
export interface TariffDay {
  add(startMs: number, wh: number): void;
  end(): void;
}

export interface TariffDays {
  /**
   * The day's tariff samples to send, or null when there is nothing to send: sent already with the same
   * colours, and its load curve not sent again (`energySent`).
   */
  day(date: string, energySent: boolean): TariffDay | null;
  report(): CostReport;
}

function keptSignature(sent: string, now: string): string {
  let kept = '';
  for (let part = 0; part < SLOT_WIDTH; part++) kept += now[part] === AWAITING ? sent[part] : now[part];
  return kept;
}

interface SeriesPair {
  energy: Series;
  cost: Series | null;
  key: TariffSeries;
}

export function createTariffDays(input: TariffDaysInput): TariffDays {
  const { sender, costs } = input;
  const aggregator = costs.aggregator('day');
  const { latest } = aggregator;
  const colorOf = costs.tempoColorOf;
  const letterOf = (tempoDay: string) => {
    const color = colorOf?.(tempoDay);
    return color ? LETTERS[color] : AWAITING;
  };
  const signatureOf = (day: ParisDay) =>
    colorOf ? letterOf(day.previousDate) + letterOf(day.date) : NO_CALENDAR;

  const cache: Record<TariffGranularity, Map<TariffPeriod, SeriesPair>> = {
    detailed: new Map(),
    daily: new Map(),
  };
  const seriesOf = (tariff: TariffPeriod, granularity: TariffGranularity): SeriesPair => {
    let pair = cache[granularity].get(tariff);
    if (!pair) {
      const key = input.seriesOf(tariff, granularity);
      pair = { energy: sender.series(key.energy), cost: null, key };
      cache[granularity].set(tariff, pair);
    }
    return pair;
  };
  const costSeries = (pair: SeriesPair) => (pair.cost ??= sender.series(pair.key.cost));

  return {
    day(date, energySent) {
      const stored = slotValue(input.sent, date, SLOT_WIDTH);
      const sent = stored === null || stored === NEVER_SENT ? null : stored;
      const day = parisDayOfDate(date);
      const now = signatureOf(day);
      if (!energySent && sent === now) return null;
      const all = energySent || sent === null;
      const sendsPart = [all || sent[0] !== now[0], all || sent[1] !== now[1]];
      // Day totals sent before are those of a complete day: then only the tariffs of the re-sent part change.
      const touched = all || sent.includes(AWAITING) ? null : new Set<TariffPeriod>();
      const complete = !now.includes(AWAITING);
      // A part whose colour went missing keeps what it was sent with.
      const kept = all ? now : keptSignature(sent, now);
      return {
        add(startMs, wh) {
          aggregator.add(startMs, wh);
          const tariff = latest.tariff;
          if (tariff === null) return;
          if (!all) {
            const ownDay = tempoDayOfMinute(day, parisMinuteAt(day, startMs)) === day.date;
            if (!sendsPart[ownDay ? 1 : 0]) return;
            touched?.add(tariff);
          }
          const pair = seriesOf(tariff, 'detailed');
          sender.addValue(TARIFF_KINDS.energy, pair.energy, wh, startMs);
          if (latest.cost !== null)
            sender.addValue(TARIFF_KINDS.cost, costSeries(pair), latest.cost, startMs);
        },
        end() {
          for (const bucket of aggregator.finish()) {
            if (!complete || bucket.date !== date) continue;
            for (const amount of bucket.tariffs) {
              if (touched && !touched.has(amount.tariff)) continue;
              const pair = seriesOf(amount.tariff, 'daily');
              sender.addValue(TARIFF_KINDS.energy, pair.energy, amount.wh, bucket.startMs);
              // A day with unpriced half-hours has no cost total: it would be less than the day cost.
              if (amount.unpricedWh === 0)
                sender.addValue(TARIFF_KINDS.cost, costSeries(pair), amount.cost, bucket.startMs);
            }
          }
          sender.whenAccepted(() => withSlot(input.confirmed, date, kept, NEVER_SENT));
        },
      };
    },
    report: () => aggregator.report(),
  };
}

/** Which days of a load curve are read (see StreamPlan). */
export interface ReadPlan {
  full: boolean;
  changedDates: readonly string[];
  resendFrom: string | null;
}

/** A PDL's tariff samples in a pass, ready to ride on its consumption load curve. */
export interface PlannedTariffs {
  days: TariffDays;
  /** The days the load curve is read over: its own plan's, and those only the tariff samples need. */
  readPlan(plan: ReadPlan): ReadPlan;
  /** Once the stream's samples were all accepted: the first pass that priced this PDL is over. */
  completed(): void;
  /** What export_logs.details says of the costs of the days sent. */
  details(): Record<string, unknown> | null;
}

export interface TariffPassInput {
  query: QueryLayer;
  settings: RunSettings;
  pdl: Pdl;
  schema: BackfillSchema;
  sender: BatchSender;
  previous: BackfillState;
  confirmed: BackfillState;
  changedSince: Date | null;
}

/**
 * The PDL's tariff samples, or why its energy is not split (for the details): null when the destination has no
 * tariff series, or the PDL no offer type or no price at all (then no work at all).
 */
export async function planTariffs(
  input: TariffPassInput,
): Promise<PlannedTariffs | { unsplit: Record<string, unknown> } | null> {
  const { schema, pdl, previous, confirmed } = input;
  const seriesOf = schema.tariffSeries;
  if (!seriesOf) return null;
  const costs = await loadPdlCosts(input.query, input.settings, pdl);
  if (costs === null) return null;
  if (costs.rules.kind === 'unsplit') {
    return { unsplit: costReportDetails(costs.aggregator('day').report()) ?? {} };
  }
  if (costs.pricedTariffs.length === 0) return null;
  const key = tariffStateKey(pdl.usagePointId);
  const firstPass = !previous.backfilled.includes(key);
  const repairs = costs.tempoColorOf ? await tempoRepairDates(input.query, input.changedSince) : [];
  const kept = (confirmed.fingerprints[key] = { ...previous.fingerprints[key] });
  const days = createTariffDays({
    sender: input.sender,
    costs,
    seriesOf: (tariff, granularity) => seriesOf(pdl, tariff, granularity),
    sent: previous.fingerprints[key] ?? {},
    confirmed: kept,
  });
  return {
    days,
    readPlan: (plan) => ({
      full: plan.full || firstPass,
      changedDates: mergeDates(plan.changedDates, repairs),
      resendFrom: plan.resendFrom,
    }),
    completed: () => {
      if (!confirmed.backfilled.includes(key)) confirmed.backfilled.push(key);
    },
    details: () => costReportDetails(days.report()),
  };
}
