import type { DataKind, EnergyDirection } from '../../domain/vocabulary.js';

/** The info commands med-export creates in its virtual equipments, as one table. */

export type SubType = 'numeric' | 'string' | 'binary';

/**
 * cmd.class.php `event()` (jeedom/core 4.4 and 4.5.3: 1905-1913) knows two values, `never` being the default: a
 * value equal to the cached one is, with `never`, only historised (no scenario runs, nothing is shown as new);
 * with `always`, handled as a new value (scenarios triggered by the command run). There is no `auto` and no
 * special case for binary commands.
 */
export type RepeatEventManagement = 'never' | 'always';

export interface CommandDefinition {
  /** Stable `logicalId` of the command in its equipment; also the key of JEEDOM_COMMANDS. */
  logicalId: string;
  name: string;
  subType: SubType;
  unit: string;
  historized: boolean;
  /** Decimals Jeedom keeps (`historizeRound`), numeric commands only. */
  round?: number;
  /**
   * `always` where each value is a new day's reading (a day equal to the one before is still news for a
   * scenario); `never` for states and running totals, where an equal value means nothing happened.
   */
  repeat: RepeatEventManagement;
  genericType?: string;
  /** The data kind that enables this command. */
  kind: DataKind;
}

export const KWH_DECIMALS = 3;

type Row = Omit<CommandDefinition, 'unit' | 'historized' | 'kind'> &
  Partial<Pick<CommandDefinition, 'unit' | 'historized'>>;

function commandsOf(kind: DataKind, rows: readonly Row[]): CommandDefinition[] {
  return rows.map((row) => ({ unit: '', historized: false, kind, ...row }));
}

/** Names contain none of the characters Jeedom strips from names (see encode.jeedomName). */
export function energyCommands(direction: EnergyDirection): CommandDefinition[] {
  const label = direction === 'consumption' ? 'Consommation' : 'Production';
  const kwh = {
    subType: 'numeric' as const,
    unit: 'kWh',
    round: KWH_DECIMALS,
    ...(direction === 'consumption' ? { genericType: 'CONSUMPTION' } : {}),
  };
  return [
    ...commandsOf(`${direction}_daily`, [
      {
        logicalId: `${direction}_daily`,
        name: `${label} journalière`,
        historized: true,
        repeat: 'always',
        ...kwh,
      },
      // Only created while J-1 is stored (encode.ts, equipmentDefinitions): never on MyElectricalData's J-2 data.
      { logicalId: `${direction}_yesterday`, name: `${label} hier`, repeat: 'always', ...kwh },
    ]),
    ...commandsOf(`${direction}_monthly`, [
      {
        logicalId: `${direction}_month`,
        name: `${label} mois en cours`,
        historized: true,
        repeat: 'never',
        ...kwh,
      },
      {
        logicalId: `${direction}_year`,
        name: `${label} année en cours`,
        historized: true,
        repeat: 'never',
        ...kwh,
      },
    ]),
  ];
}

export const EUR_DECIMALS = 3;

const eur = { subType: 'numeric', unit: '€', round: EUR_DECIMALS, historized: true } as const;

/**
 * The consumption's cost as on the bill (engines/current-values/day-costs.ts): each day's at its date, like the
 * daily energy, and the month's so far at the first of its month, like the month's energy.
 */
export const COST_COMMANDS: readonly CommandDefinition[] = [
  ...commandsOf('consumption_daily', [
    { logicalId: 'consumption_cost_daily', name: 'Coût journalier', repeat: 'always', ...eur },
  ]),
  ...commandsOf('consumption_monthly', [
    { logicalId: 'consumption_cost_month', name: 'Coût mois en cours', repeat: 'never', ...eur },
  ]),
];

const remainingDays = { subType: 'numeric', unit: 'j', round: 0, repeat: 'never' } as const;

export const TEMPO_COMMANDS: readonly CommandDefinition[] = commandsOf('tempo', [
  {
    logicalId: 'tempo_today',
    name: 'Couleur du jour',
    subType: 'string',
    historized: true,
    repeat: 'always',
  },
  { logicalId: 'tempo_tomorrow', name: 'Couleur demain', subType: 'string', repeat: 'never' },
  { logicalId: 'tempo_remaining_blue', name: 'Jours bleus restants', ...remainingDays },
  { logicalId: 'tempo_remaining_white', name: 'Jours blancs restants', ...remainingDays },
  { logicalId: 'tempo_remaining_red', name: 'Jours rouges restants', ...remainingDays },
]);

const ecowattLevel = { subType: 'numeric', round: 0, repeat: 'never' } as const;

export const ECOWATT_COMMANDS: readonly CommandDefinition[] = commandsOf('ecowatt', [
  { logicalId: 'ecowatt_level', name: 'Niveau maintenant', ...ecowattLevel },
  { logicalId: 'ecowatt_next_hour', name: 'Niveau heure suivante', ...ecowattLevel },
  { logicalId: 'ecowatt_alert', name: 'Alerte', subType: 'binary', repeat: 'never' },
]);

export const ALL_COMMAND_KEYS: readonly string[] = [
  ...energyCommands('consumption'),
  ...energyCommands('production'),
  ...COST_COMMANDS,
  ...TEMPO_COMMANDS,
  ...ECOWATT_COMMANDS,
].map((command) => command.logicalId);
