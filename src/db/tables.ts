import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** MyElectricalData's tables (read-only for us) and this tool's own, as Kysely sees them. */

type ReadOnlyDate = ColumnType<string, never, never>;

interface EnergyTable {
  id: string;
  usage_point_id: string;
  date: ReadOnlyDate;
  granularity: 'daily' | 'detailed';
  interval_start: string | null;
  value: number | null;
  source: string | null;
  raw_data: unknown;
  created_at: Date;
  updated_at: Date;
}

interface PdlsTable {
  usage_point_id: string;
  name: string | null;
  pricing_option: string | null;
  offpeak_hours: unknown;
  has_consumption: boolean | null;
  has_production: boolean | null;
  is_active: boolean | null;
  selected_offer_id: string | null;
}

type Price = ColumnType<string | null, never, never>;

interface EnergyOffersTable {
  id: string;
  provider_id: string;
  name: string;
  offer_type: string;
  subscription_price: Price;
  base_price: Price;
  hc_price: Price;
  hp_price: Price;
  tempo_blue_hc: Price;
  tempo_blue_hp: Price;
  tempo_white_hc: Price;
  tempo_white_hp: Price;
  tempo_red_hc: Price;
  tempo_red_hp: Price;
  base_price_weekend: Price;
  hp_price_weekend: Price;
  hc_price_weekend: Price;
  ejp_normal: Price;
  ejp_peak: Price;
  hc_price_winter: Price;
  hp_price_winter: Price;
  hc_price_summer: Price;
  hp_price_summer: Price;
  peak_day_price: Price;
  hc_schedules: unknown;
  power_kva: number | null;
  valid_from: Date | null;
  valid_to: Date | null;
}

interface TempoDaysTable {
  id: string;
  date: Date;
  color: string;
  updated_at: Date | null;
}

interface EcowattTable {
  periode: ColumnType<string, never, never>;
  generation_datetime: ColumnType<string, never, never>;
  dvalue: number;
  message: string | null;
  values: unknown;
}

export type ExportStatus = 'running' | 'success' | 'partial' | 'error' | 'skipped';

export interface ExportLogsTable {
  id: Generated<string>;
  destination: string;
  status: ExportStatus;
  records_exported: Generated<number>;
  error_message: string | null;
  details: JSONColumnType<Record<string, unknown>, string, string>;
  started_at: Generated<Date>;
  completed_at: Date | null;
}

export interface ExportStateTable {
  destination: string;
  state: JSONColumnType<Record<string, unknown>, string, string>;
  watermark: Date | null;
  updated_at: Generated<Date>;
}

export interface Database {
  consumption_data: EnergyTable;
  production_data: EnergyTable;
  pdls: PdlsTable;
  energy_offers: EnergyOffersTable;
  tempo_days: TempoDaysTable;
  ecowatt: EcowattTable;
  export_logs: ExportLogsTable;
  export_state: ExportStateTable;
}
