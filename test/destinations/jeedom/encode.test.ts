import { describe, expect, it } from 'vitest';
import { SkipCounter } from '../../../src/domain/readings.js';
import { commandMappingProblem } from '../../../src/destinations/jeedom/config.js';
import { ALL_COMMAND_KEYS } from '../../../src/destinations/jeedom/commands.js';
import {
  commandSaveParams,
  dailyEvents,
  endWithLatest,
  equipmentDefinitions,
  equipmentSaveParams,
  jeedomName,
  mappedCommandId,
  monthEvents,
  tempoDayEvents,
  yearEvents,
} from '../../../src/destinations/jeedom/encode.js';
import { splitForSending } from '../../../src/destinations/jeedom/send-events.js';
import type { DataKind } from '../../../src/domain/vocabulary.js';
import type { DailyRow, Pdl } from '../../../src/query/types.js';

function pdl(usagePointId: string, name: string | null, production = false): Pdl {
  return {
    usagePointId,
    name,
    pricingOption: 'BASE',
    offpeakHours: null,
    hasConsumption: true,
    hasProduction: production,
    isActive: true,
    selectedOfferId: null,
  };
}

const ALL_KINDS = new Set<DataKind>([
  'consumption_daily',
  'consumption_monthly',
  'production_daily',
  'production_monthly',
  'tempo',
  'ecowatt',
]);

function row(date: string, value: number | null): DailyRow {
  return { date, value, updatedAt: new Date(0) };
}

describe('equipment and command definitions', () => {
  it('makes one equipment per PDL named after its label, plus Tempo and EcoWatt', () => {
    const definitions = equipmentDefinitions(
      [pdl('11111111111111', 'Maison', true), pdl('22222222222222', null)],
      ALL_KINDS,
    );
    expect(definitions.map((definition) => definition.name)).toEqual([
      'MyElectricalData Maison',
      'MyElectricalData 22222222222222',
      'MyElectricalData Tempo',
      'MyElectricalData EcoWatt',
    ]);
    expect(definitions[0]!.commands.map((command) => command.logicalId)).toEqual([
      'consumption_daily',
      'consumption_yesterday',
      'consumption_month',
      'consumption_year',
      'production_daily',
      'production_yesterday',
      'production_month',
      'production_year',
    ]);
    expect(definitions[1]!.commands.every((command) => command.logicalId.startsWith('consumption_'))).toBe(
      true,
    );
  });

  it('keeps names unique when two PDLs share a label, and leaves out equipments with nothing to show', () => {
    const definitions = equipmentDefinitions(
      [pdl('11111111111111', 'Maison'), pdl('22222222222222', 'Maison')],
      new Set<DataKind>(['consumption_daily']),
    );
    expect(definitions.map((definition) => definition.name)).toEqual([
      'MyElectricalData Maison (11111111111111)',
      'MyElectricalData Maison (22222222222222)',
    ]);
    expect(equipmentDefinitions([pdl('1', 'x')], new Set<DataKind>(['production_daily']))).toEqual([]);
  });

  it('creates enabled virtual equipments and historised kWh commands that fit Jeedom columns', () => {
    const [definition] = equipmentDefinitions([pdl('11111111111111', 'Maison', true)], ALL_KINDS);
    expect(equipmentSaveParams(definition!, 4)).toMatchObject({
      eqType_name: 'virtual',
      logicalId: 'med_export_pdl_11111111111111',
      object_id: 4,
      isEnable: 1,
    });
    expect(equipmentSaveParams(definition!, undefined)).not.toHaveProperty('object_id');
    for (const command of equipmentDefinitions([pdl('11111111111111', 'Maison', true)], ALL_KINDS).flatMap(
      (d) => d.commands,
    )) {
      const params = commandSaveParams(command, 9, 0);
      expect(String(params['name']).length).toBeLessThanOrEqual(45);
      expect(params).toMatchObject({ type: 'info', eqLogic_id: 9, logicalId: command.logicalId });
    }
    const daily = commandSaveParams(definition!.commands[0]!, 9, 0);
    expect(daily).toMatchObject({
      subType: 'numeric',
      unite: 'kWh',
      isHistorized: 1,
      configuration: { historizeRound: 3, historizeMode: 'none' },
    });
  });

  it('finds a mapped command by PDL-prefixed key, and by bare key only with a single PDL', () => {
    const definitions = equipmentDefinitions(
      [pdl('11111111111111', 'A'), pdl('22222222222222', 'B')],
      ALL_KINDS,
    );
    const daily = definitions[1]!.commands[0]!;
    const mapping = { consumption_daily: 5, '22222222222222:consumption_daily': 7, tempo_today: 9 };
    expect(mappedCommandId(mapping, definitions[1]!, daily, 2)).toBe(7);
    expect(mappedCommandId(mapping, definitions[0]!, definitions[0]!.commands[0]!, 2)).toBeUndefined();
    expect(mappedCommandId(mapping, definitions[0]!, definitions[0]!.commands[0]!, 1)).toBe(5);
    const tempo = definitions.find((definition) => definition.role === 'tempo')!;
    expect(mappedCommandId(mapping, tempo, tempo.commands[0]!, 2)).toBe(9);
  });

  it('validates JEEDOM_COMMANDS keys and ids', () => {
    expect(commandMappingProblem({ consumption_daily: 12, '12345678901234:tempo_today': '13' })).toBeNull();
    expect(commandMappingProblem({ consumption_weekly: 12 })).toContain('consumption_daily');
    expect(commandMappingProblem({ consumption_daily: 'abc' })).toContain('ids');
    expect(ALL_COMMAND_KEYS).toContain('ecowatt_alert');
  });
});

describe('events', () => {
  it('sends daily energies in kWh at the start of their day, oldest first, skipping unusable rows', () => {
    const skipped = new SkipCounter();
    const events = dailyEvents(
      [row('2026-03-02', 12345), row('2026-03-01', 1500), row('2026-03-03', null), row('2026-03-04', -1)],
      skipped,
    );
    expect(events).toEqual([
      { value: 1.5, datetime: '2026-03-01 00:00:00' },
      { value: 12.345, datetime: '2026-03-02 00:00:00' },
    ]);
    expect(skipped.toJSON()).toEqual({ null_value: 1, negative_value: 1 });
    expect(
      dailyEvents([row('2026-03-01', 1), row('2026-03-02', 2)], skipped, new Set(['2026-03-02'])),
    ).toEqual([{ value: 0.002, datetime: '2026-03-02 00:00:00' }]);
  });

  it('sends month totals on the 1st and year totals (sum of the months) on 1 January', () => {
    const totals = [
      { month: '2025-12', wh: 1000, days: 31 },
      { month: '2026-01', wh: 2000, days: 31 },
      { month: '2026-02', wh: 3500, days: 28 },
    ];
    expect(monthEvents(totals)).toEqual([
      { value: 1, datetime: '2025-12-01 00:00:00' },
      { value: 2, datetime: '2026-01-01 00:00:00' },
      { value: 3.5, datetime: '2026-02-01 00:00:00' },
    ]);
    expect(yearEvents(totals)).toEqual([
      { value: 1, datetime: '2025-01-01 00:00:00' },
      { value: 5.5, datetime: '2026-01-01 00:00:00' },
    ]);
    expect(monthEvents(totals, new Set(['2026-01']))).toEqual([
      { value: 2, datetime: '2026-01-01 00:00:00' },
    ]);
  });

  it('never dates a Tempo colour in the future (Jeedom deletes history in the future)', () => {
    const days = [
      { date: '2026-03-01', color: 'BLUE' as const },
      { date: '2026-03-02', color: 'RED' as const },
      { date: '2026-03-03', color: 'WHITE' as const },
    ];
    expect(tempoDayEvents(days, '2026-03-02')).toEqual([
      { value: 'BLEU', datetime: '2026-03-01 00:00:00' },
      { value: 'ROUGE', datetime: '2026-03-02 00:00:00' },
    ]);
    expect(tempoDayEvents(days, '2026-03-03', '2026-03-02')).toEqual([
      { value: 'BLANC', datetime: '2026-03-03 00:00:00' },
    ]);
  });

  it('ends with the newest value so it stays the current one after older corrections', () => {
    const latest = { value: 9, datetime: '2026-03-09 00:00:00' };
    const correction = { value: 1, datetime: '2026-03-01 00:00:00' };
    expect(endWithLatest([correction], latest)).toEqual([correction, latest]);
    expect(endWithLatest([correction, latest], latest)).toEqual([correction, latest]);
    expect(endWithLatest([], undefined)).toEqual([]);
  });
});

describe('what Jeedom stores is what med-export sends', () => {
  it('names without the characters cleanComponanteName strips, cut at 127 bytes', () => {
    expect(jeedomName(`Chez l'habitant  [n°1] & "Cie" */ <b>x</b>`)).toBe('Chez lhabitant n°1 Cie x');
    expect(Buffer.byteLength(jeedomName('é'.repeat(100)))).toBe(126);
    const definitions = equipmentDefinitions([pdl('11111111111111', "L'atelier", true)], ALL_KINDS);
    expect(definitions[0]!.name).toBe('MyElectricalData Latelier');
    for (const command of definitions.flatMap((definition) => definition.commands)) {
      expect(jeedomName(command.name), command.logicalId).toBe(command.name);
    }
  });

  it('repeatEventManagement is always for daily readings and never for totals and states', () => {
    const commands = equipmentDefinitions([pdl('11111111111111', 'Maison', true)], ALL_KINDS).flatMap(
      (definition) => definition.commands,
    );
    const repeatOf = (logicalId: string) =>
      (
        commandSaveParams(
          commands.find((c) => c.logicalId === logicalId)!,
          1,
          0,
        )['configuration'] as {
          repeatEventManagement: string;
        }
      ).repeatEventManagement;
    expect(['consumption_daily', 'production_yesterday', 'tempo_today'].map(repeatOf)).toEqual([
      'always',
      'always',
      'always',
    ]);
    expect(['consumption_month', 'tempo_tomorrow', 'ecowatt_alert'].map(repeatOf)).toEqual([
      'never',
      'never',
      'never',
    ]);
  });
});

describe('sending order', () => {
  const at = (day: number, value: number) => ({
    value,
    datetime: `2026-03-${String(day).padStart(2, '0')} 00:00:00`,
  });

  it('sends the last values in order after the others, from the one before the trailing repeats', () => {
    expect(splitForSending([at(1, 1), at(2, 2), at(3, 3)])).toEqual({
      anyOrder: [at(1, 1)],
      inOrder: [at(2, 2), at(3, 3)],
    });
    expect(splitForSending([at(1, 1), at(2, 2), at(3, 5), at(4, 5)])).toEqual({
      anyOrder: [at(1, 1)],
      inOrder: [at(2, 2), at(3, 5), at(4, 5)],
    });
    expect(splitForSending([at(1, 1), at(1, 2), at(3, 3)]).anyOrder).toEqual([]);
  });
});
