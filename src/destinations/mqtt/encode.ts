import { colorCode, frenchColor } from '../../domain/tempo.js';
import { whToKwh } from '../../domain/units.js';
import type {
  CurrentValues,
  DayEnergy,
  EnergyFigures,
  PeriodEnergy,
} from '../../engines/current-values/current-values.js';
import type { DataKind } from '../../domain/vocabulary.js';
import type { CostFigures, DayCost, PeriodCost } from '../../engines/current-values/day-costs.js';

export interface MqttMessage {
  topic: string;
  payload: unknown;
}

/** One day's load curve for the `…/detailed` topic. */
export interface DetailedCurve {
  usagePointId: string;
  direction: 'consumption' | 'production';
  date: string;
  intervals: { start: string; minutes: number; watts: number; wh: number }[];
}

/**
 * The consumption costs of a PDL whose offer adds up to the bill (engines/current-values/day-costs.ts): the
 * days of the latest day's month that have a load curve, and that month to date.
 */
export interface CurrentCosts {
  days: ReadonlyMap<string, DayCost>;
  month: PeriodCost | null;
}

/** The messages of one pass, in publication order; only the kinds asked for. */
export function buildMqttMessages(
  values: CurrentValues,
  curves: readonly DetailedCurve[],
  kinds: ReadonlySet<DataKind>,
  prefix: string,
  now: Date,
  costs: ReadonlyMap<string, CurrentCosts> = new Map(),
): MqttMessage[] {
  const timestamp = now.toISOString();
  const messages: MqttMessage[] = [];
  for (const { pdl, consumption, production } of values.pdls) {
    const base = `${prefix}/${pdl.usagePointId}`;
    const directions = [
      ['consumption', consumption],
      ['production', production],
    ] as const;
    for (const [direction, figures] of directions) {
      if (!figures) continue;
      const pdlCosts = direction === 'consumption' ? costs.get(pdl.usagePointId) : undefined;
      if (kinds.has(`${direction}_daily`)) {
        messages.push(
          ...dailyMessages(`${base}/${direction}`, figures, pdl.usagePointId, timestamp, pdlCosts),
        );
      }
      if (kinds.has(`${direction}_monthly`) && figures.month) {
        messages.push({
          topic: `${base}/${direction}/monthly`,
          payload: {
            ...monthPayload(figures.month, pdl.usagePointId, timestamp),
            ...(pdlCosts ? monthCostFields(pdlCosts.month, figures.month.period) : {}),
          },
        });
      }
    }
  }
  for (const curve of curves) {
    if (!kinds.has(`${curve.direction}_detailed`)) continue;
    messages.push({
      topic: `${prefix}/${curve.usagePointId}/${curve.direction}/detailed`,
      payload: {
        date: curve.date,
        unit: 'W',
        pdl: curve.usagePointId,
        timestamp,
        intervals: curve.intervals.map((interval) => ({
          start: interval.start,
          minutes: interval.minutes,
          value_w: interval.watts,
          value_wh: interval.wh,
        })),
      },
    });
  }
  if (kinds.has('tempo')) messages.push(...tempoMessages(values, prefix));
  if (kinds.has('ecowatt') && values.ecowatt) {
    const { ecowatt } = values;
    messages.push(
      {
        topic: `${prefix}/ecowatt/current`,
        payload: { level: ecowatt.level, message: ecowatt.message, date: ecowatt.date, hour: ecowatt.hour },
      },
      { topic: `${prefix}/ecowatt/forecast`, payload: ecowatt.forecast },
    );
  }
  return messages;
}

/** `…/daily`: the latest day stored (J-2 on MyElectricalData); `…/yesterday` only when J-1 is stored. */
function dailyMessages(
  base: string,
  figures: EnergyFigures,
  pdl: string,
  timestamp: string,
  costs: CurrentCosts | undefined,
): MqttMessage[] {
  const messages: MqttMessage[] = [];
  for (const [topic, day] of [
    ['daily', figures.latest],
    ['yesterday', figures.yesterday],
  ] as const) {
    if (!day) continue;
    messages.push({
      topic: `${base}/${topic}`,
      payload: {
        ...dayPayload(day, pdl, timestamp),
        ...(costs ? costFields(costs.days.get(day.date) ?? null) : {}),
      },
    });
  }
  return messages;
}

function dayPayload(day: DayEnergy, pdl: string, timestamp: string) {
  return { value: whToKwh(day.wh), unit: 'kWh', value_wh: day.wh, date: day.date, pdl, timestamp };
}

/** € to the micro-euro, as Home Assistant's cost statistics. */
function euros(value: number): number {
  return Math.round(value * 1e6) / 1e6 || 0;
}

/**
 * `cost_eur` (the bill's total: energy at the price valid at each half-hour + the subscription's share),
 * `energy_cost_eur`, `subscription_eur` and `tariffs` (energy and cost per tariff); `cost_eur: null` for a day
 * without a load curve to cost.
 */
function costFields(cost: CostFigures | null): Record<string, unknown> {
  if (!cost) return { cost_eur: null };
  return {
    cost_eur: euros(cost.costEur),
    energy_cost_eur: euros(cost.energyCostEur),
    subscription_eur: cost.subscriptionEur === null ? null : euros(cost.subscriptionEur),
    tariffs: Object.fromEntries(
      cost.tariffs.map((amount) => [
        amount.tariff,
        {
          value: whToKwh(amount.wh),
          value_wh: amount.wh,
          cost_eur: amount.costEur === null ? null : euros(amount.costEur),
        },
      ]),
    ),
    ...(cost.awaitingWh > 0 ? { awaiting_tempo_colour_wh: cost.awaitingWh } : {}),
  };
}

/** The month's cost fields, with `cost_days`: the days of the month costed (those with a load curve). */
function monthCostFields(cost: PeriodCost | null, month: string): Record<string, unknown> {
  const inMonth = cost?.period === month ? cost : null;
  return { ...costFields(inMonth), cost_days: inMonth?.days ?? 0 };
}

function monthPayload(month: PeriodEnergy, pdl: string, timestamp: string) {
  return {
    value: whToKwh(month.wh),
    unit: 'kWh',
    value_wh: month.wh,
    month: month.period,
    days: month.days,
    pdl,
    timestamp,
  };
}

function tempoMessages(values: CurrentValues, prefix: string): MqttMessage[] {
  const day = (entry: { date: string; color: string | null }) => ({
    color: frenchColor(entry.color),
    color_code: colorCode(entry.color),
    date: entry.date,
  });
  const { remaining } = values.tempo;
  return [
    { topic: `${prefix}/tempo/today`, payload: day(values.tempo.today) },
    { topic: `${prefix}/tempo/tomorrow`, payload: day(values.tempo.tomorrow) },
    {
      topic: `${prefix}/tempo/remaining`,
      payload: { blue: remaining.blue, white: remaining.white, red: remaining.red, season: remaining.season },
    },
  ];
}

/** Per topic family counts for export_logs.details. */
export function countByKind(messages: readonly MqttMessage[], prefix: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { topic } of messages) {
    const parts = topic.slice(prefix.length + 1).split('/');
    const kind = /^\d{14}$/.test(parts[0] ?? '') ? parts.slice(1).join('_') : parts[0]!;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}
