import { colorCode, frenchColor } from '../../domain/tempo.js';
import { whToKwh } from '../../domain/units.js';
import type {
  CurrentValues,
  DayEnergy,
  EnergyFigures,
  PeriodEnergy,
} from '../../engines/current-values/current-values.js';
import type { DataKind } from '../../domain/vocabulary.js';

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

/** The messages of one pass, in publication order; only the kinds asked for. */
export function buildMqttMessages(
  values: CurrentValues,
  curves: readonly DetailedCurve[],
  kinds: ReadonlySet<DataKind>,
  prefix: string,
  now: Date,
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
      if (kinds.has(`${direction}_daily`)) {
        messages.push(...dailyMessages(`${base}/${direction}`, figures, pdl.usagePointId, timestamp));
      }
      if (kinds.has(`${direction}_monthly`) && figures.month) {
        messages.push({
          topic: `${base}/${direction}/monthly`,
          payload: monthPayload(figures.month, pdl.usagePointId, timestamp),
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

function dailyMessages(base: string, figures: EnergyFigures, pdl: string, timestamp: string): MqttMessage[] {
  const messages: MqttMessage[] = [];
  if (figures.latest)
    messages.push({ topic: `${base}/daily`, payload: dayPayload(figures.latest, pdl, timestamp) });
  if (figures.yesterday) {
    messages.push({ topic: `${base}/yesterday`, payload: dayPayload(figures.yesterday, pdl, timestamp) });
  }
  return messages;
}

function dayPayload(day: DayEnergy, pdl: string, timestamp: string) {
  return { value: whToKwh(day.wh), unit: 'kWh', value_wh: day.wh, date: day.date, pdl, timestamp };
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
