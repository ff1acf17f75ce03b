import { describe, expect, it } from 'vitest';
import { findExportCollisions } from '../../src/doctor/export-collisions.js';
import { checkContract } from '../../src/doctor/pdl-checks.js';
import { checkSeries, checkTempoColours } from '../../src/doctor/series-checks.js';
import { addDays } from '../../src/domain/paris-time.js';
import type { DayCount } from '../../src/query/health-queries.js';
import type { OfferPriceHistory, Pdl } from '../../src/query/types.js';

const PDL = '12345678901234';

function days(
  from: string,
  to: string,
  detailed: (date: string) => number = (date) => (date === '2025-03-30' ? 46 : 48),
): DayCount[] {
  const result: DayCount[] = [];
  for (let date = from; date <= to; date = addDays(date, 1))
    result.push({ date, daily: 1, detailed: detailed(date) });
  return result;
}

describe('checkSeries', () => {
  it('finds nothing on a complete series up to J-2, both DST days included', () => {
    const all = days('2025-03-01', '2025-11-13', (date) => (date === '2025-03-30' ? 46 : 48));
    expect(checkSeries(PDL, 'consumption', all, '2025-11-15')).toEqual([]);
  });

  it('says the newest day is behind J-2, by how much', () => {
    const [finding] = checkSeries(PDL, 'production', days('2025-06-01', '2025-06-10'), '2025-06-15');
    expect(finding).toMatchObject({ code: 'stale_data', usagePointId: PDL, direction: 'production' });
    expect(finding!.message).toContain('newest day stored is 2025-06-10, 3 day(s) behind 2025-06-13');
  });

  it('lists missing days as dates and ranges, per granularity', () => {
    const series = days('2025-06-01', '2025-06-13').filter(
      (day) => !['2025-06-03', '2025-06-07', '2025-06-08'].includes(day.date),
    );
    series.find((day) => day.date === '2025-06-10')!.detailed = 0;
    const findings = checkSeries(PDL, 'consumption', series, '2025-06-15');
    expect(findings.map((finding) => finding.message)).toEqual([
      '3 day(s) missing from the daily series between 2025-06-01 and 2025-06-13: 2025-06-03, 2025-06-07…2025-06-08',
      '4 day(s) missing from the detailed series between 2025-06-01 and 2025-06-13: 2025-06-03, 2025-06-07…2025-06-08, 2025-06-10',
    ]);
  });

  it('flags a DST day whose row count is not 46 (spring) or 48 (autumn)', () => {
    const series = days('2025-10-25', '2025-10-27', (date) => (date === '2025-10-26' ? 50 : 48));
    const [finding] = checkSeries(PDL, 'consumption', series, '2025-10-29');
    expect(finding).toMatchObject({ code: 'dst_row_count' });
    expect(finding!.message).toContain(
      '2025-10-26 (a DST change day) has 50 half-hour rows, MyElectricalData stores 48',
    );
    const spring = days('2025-03-29', '2025-03-31', (date) => (date === '2025-03-30' ? 48 : 48));
    expect(checkSeries(PDL, 'consumption', spring, '2025-04-02')[0]!.message).toContain(
      'has 48 half-hour rows, MyElectricalData stores 46',
    );
  });

  it('counts duplicate daily rows', () => {
    const series = days('2025-06-01', '2025-06-13');
    series[2]!.daily = 3;
    const [finding] = checkSeries(PDL, 'consumption', series, '2025-06-15');
    expect(finding).toMatchObject({ code: 'duplicate_daily_rows' });
    expect(finding!.message).toBe('2 duplicate daily row(s) on 2025-06-03');
  });

  it('says when nothing is stored', () => {
    expect(checkSeries(PDL, 'production', [], '2025-06-15').map((finding) => finding.code)).toEqual([
      'no_data',
    ]);
  });
});

describe('checkTempoColours', () => {
  it('lists the consumption days without a colour', () => {
    const tempo = ['2025-01-01', '2025-01-02', '2025-01-05'].map((date) => ({
      date,
      color: 'BLUE' as const,
    }));
    const [finding] = checkTempoColours(
      PDL,
      ['2025-01-01', '2025-01-02', '2025-01-03', '2025-01-04', '2025-01-05'],
      tempo,
    );
    expect(finding!.message).toBe('2 day(s) with consumption but no Tempo colour: 2025-01-03…2025-01-04');
    expect(checkTempoColours(PDL, ['2025-01-01'], tempo)).toEqual([]);
  });
});

describe('checkContract', () => {
  const pdl = (fields: Partial<Pdl>): Pdl => ({
    usagePointId: PDL,
    name: null,
    pricingOption: 'TEMPO',
    offpeakHours: { ranges: ['22:00-06:00'] },
    hasConsumption: true,
    hasProduction: false,
    isActive: true,
    selectedOfferId: null,
    ...fields,
  });
  const offer: OfferPriceHistory = {
    offerType: 'TEMPO',
    name: 'EDF Tempo',
    providerId: 'edf',
    powerKva: 6,
    rows: [
      {
        id: 'o',
        validFrom: null,
        validTo: null,
        subscriptionPrice: 15.5,
        hcSchedules: null,
        prices: {
          tempo_blue_hc: 0.1,
          tempo_blue_hp: 0.1,
          tempo_white_hc: 0.1,
          tempo_white_hp: 0.1,
          tempo_red_hc: 0.1,
          tempo_red_hp: null,
        },
      },
    ],
  };

  it('accepts what MyElectricalData writes', () => {
    expect(checkContract(pdl({ offpeakHours: { default: 'HC (22H00-6H00)' } }), undefined)).toEqual([]);
    expect(checkContract(pdl({ offpeakHours: null, pricingOption: 'HC/HP' }), undefined)).toEqual([]);
    expect(checkContract(pdl({ pricingOption: 'ZEN_FLEX' }), undefined)).toEqual([]);
  });

  it('reports unreadable off-peak hours, an unknown option, a missing offer and a missing price', () => {
    const codes = (fields: Partial<Pdl>, selected: OfferPriceHistory | null | undefined) =>
      checkContract(pdl(fields), selected).map((finding) => finding.code);
    expect(codes({ offpeakHours: { ranges: ['soon'] } }, undefined)).toEqual(['unparseable_offpeak_hours']);
    expect(codes({ pricingOption: 'FLAT' }, undefined)).toEqual(['unknown_pricing_option']);
    expect(codes({ selectedOfferId: 'gone' }, null)).toEqual(['selected_offer_missing']);
    const [missingPrice] = checkContract(pdl({ selectedOfferId: 'o' }), offer);
    expect(missingPrice!.message).toBe('the selected offer "EDF Tempo" has no price for red_hp');
  });
});

describe('findExportCollisions', () => {
  const ha = {
    destination: 'home_assistant',
    options: { statistic_id_prefix: 'myelectricaldata', statistics: true },
  };
  const importer = {
    name: 'HA',
    type: 'home_assistant',
    config: { ha_url: 'http://ha:8123', ha_token: 't' },
    usagePointIds: null,
  };

  it("names the statistic ids MyElectricalData's Home Assistant import shares with med-export", () => {
    const [finding] = findExportCollisions([importer], [ha], [PDL]);
    expect(finding!.message).toContain(
      `myelectricaldata:consumption_${PDL}_<tariff>, myelectricaldata:cost_${PDL}_<tariff>, myelectricaldata:production_${PDL}`,
    );
  });

  it('is quiet with another prefix, without a token, when disabled on either side', () => {
    expect(
      findExportCollisions(
        [importer],
        [{ ...ha, options: { ...ha.options, statistic_id_prefix: 'med' } }],
        [PDL],
      ),
    ).toEqual([]);
    expect(
      findExportCollisions([{ ...importer, config: { ha_url: 'http://ha:8123' } }], [ha], [PDL]),
    ).toEqual([]);
    expect(
      findExportCollisions([importer], [{ ...ha, options: { ...ha.options, statistics: false } }], [PDL]),
    ).toEqual([]);
    expect(findExportCollisions([importer], [], [PDL])).toEqual([]);
  });

  it("matches MyElectricalData's MQTT export (its config as a JSON string too) against both MQTT writers", () => {
    const mqttExport = {
      name: 'M',
      type: 'mqtt',
      config: '{"broker":"b","topic_prefix":"home"}',
      usagePointIds: [PDL],
    };
    const findings = findExportCollisions(
      [mqttExport],
      [
        { destination: 'mqtt', options: { topic_prefix: 'home' } },
        { destination: 'home_assistant', options: { mqtt_topic_prefix: 'home', entities: 'auto' } },
      ],
      [PDL, '99999999999999'],
    );
    expect(findings.map((finding) => finding.message.slice(-60))).toHaveLength(2);
    expect(findings[0]!.message).toContain(`home/${PDL}/consumption/`);
    expect(findings[0]!.message).not.toContain('99999999999999');
  });
});
