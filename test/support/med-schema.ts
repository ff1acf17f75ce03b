/**
 * MyElectricalData's tables as its own migrations create them (schema public).
 * `value` is nullable on purpose: damaged databases contain NULL measures and tests insert them.
 */
export const MED_SCHEMA_SQL = `
DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typname = 'datagranularity' AND n.nspname = 'public'
  ) THEN
    CREATE TYPE public.datagranularity AS ENUM ('daily', 'detailed');
  END IF;
END
$$;

CREATE TABLE IF NOT EXISTS public.consumption_data (
  id varchar(36) PRIMARY KEY,
  usage_point_id varchar(14) NOT NULL,
  date date NOT NULL,
  granularity public.datagranularity NOT NULL,
  interval_start varchar(5) NULL,
  value integer NULL,
  source varchar(50),
  raw_data jsonb NULL,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now(),
  CONSTRAINT uq_consumption_data UNIQUE (usage_point_id, date, granularity, interval_start)
);

CREATE TABLE IF NOT EXISTS public.production_data (
  id varchar(36) PRIMARY KEY,
  usage_point_id varchar(14) NOT NULL,
  date date NOT NULL,
  granularity public.datagranularity NOT NULL,
  interval_start varchar(5) NULL,
  value integer NULL,
  source varchar(50),
  raw_data jsonb NULL,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now(),
  CONSTRAINT uq_production_data UNIQUE (usage_point_id, date, granularity, interval_start)
);

-- energy_offers has every column of the real one (schema-docker.sql); provider_id and subscription_price are
-- NOT NULL there but nullable here, so that fixtures inserting only the columns they use still can.
CREATE TABLE IF NOT EXISTS public.energy_offers (
  id varchar(36) PRIMARY KEY,
  provider_id varchar(36) NULL,
  name varchar(200),
  offer_type varchar(50),
  description text NULL,
  subscription_price numeric(10, 5) NULL,
  base_price numeric(10, 5) NULL,
  hc_price numeric(10, 5) NULL,
  hp_price numeric(10, 5) NULL,
  base_price_weekend numeric(10, 5) NULL,
  hp_price_weekend numeric(10, 5) NULL,
  hc_price_weekend numeric(10, 5) NULL,
  tempo_blue_hc numeric(10, 5) NULL,
  tempo_blue_hp numeric(10, 5) NULL,
  tempo_white_hc numeric(10, 5) NULL,
  tempo_white_hp numeric(10, 5) NULL,
  tempo_red_hc numeric(10, 5) NULL,
  tempo_red_hp numeric(10, 5) NULL,
  ejp_normal numeric(10, 5) NULL,
  ejp_peak numeric(10, 5) NULL,
  hc_price_winter numeric(10, 5) NULL,
  hp_price_winter numeric(10, 5) NULL,
  hc_price_summer numeric(10, 5) NULL,
  hp_price_summer numeric(10, 5) NULL,
  peak_day_price numeric(10, 5) NULL,
  hc_schedules json NULL,
  power_kva integer NULL,
  price_updated_at timestamptz NULL,
  valid_from timestamptz NULL,
  valid_to timestamptz NULL,
  is_active boolean DEFAULT true NOT NULL,
  created_at timestamptz DEFAULT now() NOT NULL,
  updated_at timestamptz DEFAULT now() NOT NULL,
  offer_url varchar(1024) NULL
);

CREATE TABLE IF NOT EXISTS public.pdls (
  id varchar(36) PRIMARY KEY,
  usage_point_id varchar(14) UNIQUE NOT NULL,
  name varchar(100) NULL,
  pricing_option varchar(50) NULL,
  offpeak_hours jsonb NULL,
  has_consumption boolean DEFAULT true,
  has_production boolean DEFAULT false,
  is_active boolean DEFAULT true,
  selected_offer_id varchar(36) NULL,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now()
);

CREATE TABLE IF NOT EXISTS public.tempo_days (
  id varchar(10) PRIMARY KEY,
  date timestamptz NOT NULL,
  color varchar(10) NOT NULL,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now()
);

CREATE TABLE IF NOT EXISTS public.ecowatt (
  id serial PRIMARY KEY,
  periode timestamp NOT NULL,
  generation_datetime timestamp NOT NULL,
  dvalue integer NOT NULL,
  message varchar NULL,
  "values" jsonb NOT NULL,
  hdebut integer,
  hfin integer,
  pas integer,
  created_at timestamptz DEFAULT now()
);
`;
