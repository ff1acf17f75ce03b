/**
 * MyElectricalData's tables as its 1.22.0 start-up creates them, in the two shapes found in the field (see
 * ../shared/myelectricaldata/README.md): `docker` (its Docker image: alembic upgrade head, then create_all; the usual
 * install) and `create-all` (create_all alone: the Helm client chart and installs older than migration 008;
 * `raw_data` is `json` there and `tempo_days.color` the enum `tempocolor`). In both, `pdls.offpeak_hours`,
 * `ecowatt.values` and `energy_offers.hc_schedules` are `json`, and uniqueness of `pdls.usage_point_id` and
 * `tempo_days.date` is a unique index. Only the tables med-export reads (and `export_configs`, MyElectricalData's
 * own exports, which the doctor reads) are here, column for column as `pg_dump --schema-only` shows them,
 * except the relaxations in MED_SCHEMA_RELAXATIONS; test/support/med-schema.test.ts checks both against the real
 * dumps when ../shared/myelectricaldata/ is present.
 */

export const MED_SCHEMA_SHAPES = ['docker', 'create-all'] as const;
export type MedSchemaShape = (typeof MED_SCHEMA_SHAPES)[number];

/**
 * Where the fixtures differ from the real schema, and why: tests store damaged rows (NULL measures) and minimal
 * rows (a PDL without a user, EcoWatt without its hour bounds). Foreign keys are left out for the same reason
 * (`pdls.user_id` points at a `users` table med-export never reads).
 */
export const MED_SCHEMA_RELAXATIONS: readonly {
  table: string;
  column: string;
  shapes: readonly MedSchemaShape[];
  why: string;
}[] = [
  {
    table: 'consumption_data',
    column: 'value',
    shapes: MED_SCHEMA_SHAPES,
    why: 'nullable: damaged-database tests store NULL measures',
  },
  {
    table: 'production_data',
    column: 'value',
    shapes: MED_SCHEMA_SHAPES,
    why: 'nullable: damaged-database tests store NULL measures',
  },
  { table: 'pdls', column: 'user_id', shapes: MED_SCHEMA_SHAPES, why: 'nullable: no users table here' },
  {
    table: 'ecowatt',
    column: 'hdebut',
    shapes: MED_SCHEMA_SHAPES,
    why: 'default 0, the value MyElectricalData writes',
  },
  {
    table: 'ecowatt',
    column: 'hfin',
    shapes: MED_SCHEMA_SHAPES,
    why: 'default 23, the value MyElectricalData writes',
  },
  {
    table: 'consumption_data',
    column: 'source',
    shapes: ['create-all'],
    why: "default 'myelectricaldata', as in docker",
  },
  {
    table: 'production_data',
    column: 'source',
    shapes: ['create-all'],
    why: "default 'myelectricaldata', as in docker",
  },
  { table: 'pdls', column: 'has_consumption', shapes: ['create-all'], why: 'default true, as in docker' },
  { table: 'pdls', column: 'has_production', shapes: ['create-all'], why: 'default false, as in docker' },
  { table: 'pdls', column: 'is_active', shapes: ['create-all'], why: 'default true, as in docker' },
  { table: 'ecowatt', column: 'created_at', shapes: ['create-all'], why: 'default now(), as in docker' },
  { table: 'ecowatt', column: 'updated_at', shapes: ['create-all'], why: 'default now(), as in docker' },
];

const TYPES = `
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'datagranularity' AND typnamespace = 'public'::regnamespace) THEN
    CREATE TYPE public.datagranularity AS ENUM ('daily', 'detailed');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'exporttype' AND typnamespace = 'public'::regnamespace) THEN
    CREATE TYPE public.exporttype AS ENUM ('home_assistant', 'mqtt', 'victoriametrics');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'tempocolor' AND typnamespace = 'public'::regnamespace) THEN
    CREATE TYPE public.tempocolor AS ENUM ('BLUE', 'WHITE', 'RED');
  END IF;
END
$$;

CREATE SEQUENCE IF NOT EXISTS public.ecowatt_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
`;

const DOCKER_TABLES = `
CREATE TABLE IF NOT EXISTS public.energy_providers (
    id character varying(36) NOT NULL,
    name character varying(255) NOT NULL,
    logo_url character varying(512),
    website character varying(512),
    scraper_urls json,
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT energy_providers_pkey PRIMARY KEY (id),
    CONSTRAINT energy_providers_name_key UNIQUE (name)
);

-- energy_offers has every column of the real one (schema-docker.sql), NOT NULL where it is.
CREATE TABLE IF NOT EXISTS public.energy_offers (
    id character varying(36) NOT NULL,
    provider_id character varying(36) NOT NULL,
    name character varying(255) NOT NULL,
    offer_type character varying(50) NOT NULL,
    description text,
    subscription_price numeric(10,5) NOT NULL,
    base_price numeric(10,5),
    hc_price numeric(10,5),
    hp_price numeric(10,5),
    base_price_weekend numeric(10,5),
    hp_price_weekend numeric(10,5),
    hc_price_weekend numeric(10,5),
    tempo_blue_hc numeric(10,5),
    tempo_blue_hp numeric(10,5),
    tempo_white_hc numeric(10,5),
    tempo_white_hp numeric(10,5),
    tempo_red_hc numeric(10,5),
    tempo_red_hp numeric(10,5),
    ejp_normal numeric(10,5),
    ejp_peak numeric(10,5),
    hc_price_winter numeric(10,5),
    hp_price_winter numeric(10,5),
    hc_price_summer numeric(10,5),
    hp_price_summer numeric(10,5),
    peak_day_price numeric(10,5),
    hc_schedules json,
    power_kva integer,
    price_updated_at timestamp with time zone,
    valid_from timestamp with time zone,
    valid_to timestamp with time zone,
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    offer_url character varying(1024),
    CONSTRAINT energy_offers_pkey PRIMARY KEY (id)
);

CREATE TABLE IF NOT EXISTS public.pdls (
    id character varying(36) NOT NULL,
    usage_point_id character varying(14) NOT NULL,
    user_id character varying(36),
    name character varying(100),
    display_order integer,
    subscribed_power integer,
    offpeak_hours json,
    pricing_option character varying(50),
    has_consumption boolean DEFAULT true NOT NULL,
    has_production boolean DEFAULT false NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    oldest_available_data_date date,
    activation_date date,
    linked_production_pdl_id character varying(36),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    selected_offer_id character varying(36),
    CONSTRAINT pdls_pkey PRIMARY KEY (id)
);

CREATE TABLE IF NOT EXISTS public.consumption_data (
    id character varying(36) NOT NULL,
    usage_point_id character varying(14) NOT NULL,
    date date NOT NULL,
    granularity public.datagranularity NOT NULL,
    interval_start character varying(5),
    value integer,
    source character varying(50) DEFAULT 'myelectricaldata'::character varying,
    raw_data jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT consumption_data_pkey PRIMARY KEY (id),
    CONSTRAINT uq_consumption_data UNIQUE (usage_point_id, date, granularity, interval_start)
);

CREATE TABLE IF NOT EXISTS public.production_data (
    id character varying(36) NOT NULL,
    usage_point_id character varying(14) NOT NULL,
    date date NOT NULL,
    granularity public.datagranularity NOT NULL,
    interval_start character varying(5),
    value integer,
    source character varying(50) DEFAULT 'myelectricaldata'::character varying,
    raw_data jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT production_data_pkey PRIMARY KEY (id),
    CONSTRAINT uq_production_data UNIQUE (usage_point_id, date, granularity, interval_start)
);

CREATE TABLE IF NOT EXISTS public.tempo_days (
    id character varying NOT NULL,
    date timestamp with time zone NOT NULL,
    color character varying(10) NOT NULL,
    updated_at timestamp with time zone DEFAULT now(),
    rte_updated_date timestamp with time zone,
    CONSTRAINT tempo_days_pkey PRIMARY KEY (id)
);

CREATE TABLE IF NOT EXISTS public.ecowatt (
    id integer NOT NULL,
    generation_datetime timestamp without time zone NOT NULL,
    periode timestamp without time zone NOT NULL,
    hdebut integer DEFAULT 0 NOT NULL,
    hfin integer DEFAULT 23 NOT NULL,
    pas integer DEFAULT 60,
    dvalue integer NOT NULL,
    message character varying,
    "values" json NOT NULL,
    created_at timestamp without time zone DEFAULT now() NOT NULL,
    updated_at timestamp without time zone DEFAULT now() NOT NULL,
    CONSTRAINT ecowatt_pkey PRIMARY KEY (id),
    CONSTRAINT unique_ecowatt_periode UNIQUE (periode)
);

CREATE TABLE IF NOT EXISTS public.export_configs (
    id character varying(36) NOT NULL,
    name character varying(100) NOT NULL,
    export_type public.exporttype NOT NULL,
    config jsonb DEFAULT '{}'::jsonb NOT NULL,
    usage_point_ids jsonb,
    is_enabled boolean DEFAULT true,
    export_consumption boolean DEFAULT true,
    export_production boolean DEFAULT true,
    export_detailed boolean DEFAULT false,
    last_export_at timestamp with time zone,
    last_export_status character varying(20),
    last_export_error text,
    export_count integer DEFAULT 0,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    export_interval_minutes integer,
    next_export_at timestamp with time zone,
    CONSTRAINT export_configs_pkey PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS idx_ecowatt_periode ON public.ecowatt USING btree (periode);
CREATE INDEX IF NOT EXISTS ix_consumption_granularity_date ON public.consumption_data USING btree (granularity, date);
CREATE INDEX IF NOT EXISTS ix_consumption_usage_point_date ON public.consumption_data USING btree (usage_point_id, date);
CREATE INDEX IF NOT EXISTS ix_ecowatt_id ON public.ecowatt USING btree (id);
CREATE UNIQUE INDEX IF NOT EXISTS ix_pdls_usage_point_id ON public.pdls USING btree (usage_point_id);
CREATE INDEX IF NOT EXISTS ix_production_granularity_date ON public.production_data USING btree (granularity, date);
CREATE INDEX IF NOT EXISTS ix_production_usage_point_date ON public.production_data USING btree (usage_point_id, date);
CREATE UNIQUE INDEX IF NOT EXISTS ix_tempo_days_date ON public.tempo_days USING btree (date);`;

const CREATE_ALL_TABLES = `
CREATE TABLE IF NOT EXISTS public.energy_providers (
    id character varying(36) NOT NULL,
    name character varying(255) NOT NULL,
    logo_url character varying(512),
    website character varying(512),
    scraper_urls json,
    is_active boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT energy_providers_pkey PRIMARY KEY (id),
    CONSTRAINT energy_providers_name_key UNIQUE (name)
);

CREATE TABLE IF NOT EXISTS public.energy_offers (
    id character varying(36) NOT NULL,
    provider_id character varying(36) NOT NULL,
    name character varying(255) NOT NULL,
    offer_type character varying(50) NOT NULL,
    description text,
    subscription_price numeric(10,5) NOT NULL,
    base_price numeric(10,5),
    hc_price numeric(10,5),
    hp_price numeric(10,5),
    base_price_weekend numeric(10,5),
    hp_price_weekend numeric(10,5),
    hc_price_weekend numeric(10,5),
    tempo_blue_hc numeric(10,5),
    tempo_blue_hp numeric(10,5),
    tempo_white_hc numeric(10,5),
    tempo_white_hp numeric(10,5),
    tempo_red_hc numeric(10,5),
    tempo_red_hp numeric(10,5),
    ejp_normal numeric(10,5),
    ejp_peak numeric(10,5),
    hc_price_winter numeric(10,5),
    hp_price_winter numeric(10,5),
    hc_price_summer numeric(10,5),
    hp_price_summer numeric(10,5),
    peak_day_price numeric(10,5),
    hc_schedules json,
    power_kva integer,
    price_updated_at timestamp with time zone,
    valid_from timestamp with time zone,
    valid_to timestamp with time zone,
    offer_url character varying(1024),
    is_active boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT energy_offers_pkey PRIMARY KEY (id)
);

CREATE TABLE IF NOT EXISTS public.pdls (
    id character varying(36) NOT NULL,
    usage_point_id character varying(14) NOT NULL,
    user_id character varying(36),
    name character varying(100),
    display_order integer,
    subscribed_power integer,
    offpeak_hours json,
    pricing_option character varying(50),
    has_consumption boolean DEFAULT true NOT NULL,
    has_production boolean DEFAULT false NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    oldest_available_data_date date,
    activation_date date,
    linked_production_pdl_id character varying(36),
    selected_offer_id character varying(36),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT pdls_pkey PRIMARY KEY (id)
);

CREATE TABLE IF NOT EXISTS public.consumption_data (
    id character varying(36) NOT NULL,
    usage_point_id character varying(14) NOT NULL,
    date date NOT NULL,
    granularity public.datagranularity NOT NULL,
    interval_start character varying(5),
    value integer,
    source character varying(50) DEFAULT 'myelectricaldata'::character varying NOT NULL,
    raw_data json,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT consumption_data_pkey PRIMARY KEY (id),
    CONSTRAINT uq_consumption_data UNIQUE (usage_point_id, date, granularity, interval_start)
);

CREATE TABLE IF NOT EXISTS public.production_data (
    id character varying(36) NOT NULL,
    usage_point_id character varying(14) NOT NULL,
    date date NOT NULL,
    granularity public.datagranularity NOT NULL,
    interval_start character varying(5),
    value integer,
    source character varying(50) DEFAULT 'myelectricaldata'::character varying NOT NULL,
    raw_data json,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT production_data_pkey PRIMARY KEY (id),
    CONSTRAINT uq_production_data UNIQUE (usage_point_id, date, granularity, interval_start)
);

CREATE TABLE IF NOT EXISTS public.tempo_days (
    id character varying NOT NULL,
    date timestamp with time zone NOT NULL,
    color public.tempocolor NOT NULL,
    updated_at timestamp with time zone,
    rte_updated_date timestamp with time zone,
    CONSTRAINT tempo_days_pkey PRIMARY KEY (id)
);

CREATE TABLE IF NOT EXISTS public.ecowatt (
    id integer NOT NULL,
    generation_datetime timestamp without time zone NOT NULL,
    periode timestamp without time zone NOT NULL,
    hdebut integer DEFAULT 0 NOT NULL,
    hfin integer DEFAULT 23 NOT NULL,
    pas integer,
    dvalue integer NOT NULL,
    message character varying,
    "values" json NOT NULL,
    created_at timestamp without time zone DEFAULT now() NOT NULL,
    updated_at timestamp without time zone DEFAULT now() NOT NULL,
    CONSTRAINT ecowatt_pkey PRIMARY KEY (id),
    CONSTRAINT unique_ecowatt_periode UNIQUE (periode)
);

CREATE TABLE IF NOT EXISTS public.export_configs (
    id character varying(36) NOT NULL,
    name character varying(100) NOT NULL,
    export_type public.exporttype NOT NULL,
    config json NOT NULL,
    usage_point_ids json,
    is_enabled boolean NOT NULL,
    export_consumption boolean NOT NULL,
    export_production boolean NOT NULL,
    export_detailed boolean NOT NULL,
    export_interval_minutes integer,
    next_export_at timestamp with time zone,
    last_export_at timestamp with time zone,
    last_export_status character varying(20),
    last_export_error text,
    export_count integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT export_configs_pkey PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS idx_ecowatt_periode ON public.ecowatt USING btree (periode);
CREATE INDEX IF NOT EXISTS ix_consumption_granularity_date ON public.consumption_data USING btree (granularity, date);
CREATE INDEX IF NOT EXISTS ix_consumption_usage_point_date ON public.consumption_data USING btree (usage_point_id, date);
CREATE INDEX IF NOT EXISTS ix_ecowatt_id ON public.ecowatt USING btree (id);
CREATE UNIQUE INDEX IF NOT EXISTS ix_pdls_usage_point_id ON public.pdls USING btree (usage_point_id);
CREATE INDEX IF NOT EXISTS ix_production_granularity_date ON public.production_data USING btree (granularity, date);
CREATE INDEX IF NOT EXISTS ix_production_usage_point_date ON public.production_data USING btree (usage_point_id, date);
CREATE UNIQUE INDEX IF NOT EXISTS ix_tempo_days_date ON public.tempo_days USING btree (date);
CREATE INDEX IF NOT EXISTS ix_consumption_data_date ON public.consumption_data USING btree (date);
CREATE INDEX IF NOT EXISTS ix_consumption_data_usage_point_id ON public.consumption_data USING btree (usage_point_id);
CREATE INDEX IF NOT EXISTS ix_production_data_date ON public.production_data USING btree (date);
CREATE INDEX IF NOT EXISTS ix_production_data_usage_point_id ON public.production_data USING btree (usage_point_id);`;

const DEFAULTS = `
ALTER TABLE ONLY public.ecowatt ALTER COLUMN id SET DEFAULT nextval('public.ecowatt_id_seq'::regclass);
`;

export function medSchemaSql(shape: MedSchemaShape): string {
  return TYPES + (shape === 'docker' ? DOCKER_TABLES : CREATE_ALL_TABLES) + DEFAULTS;
}

/**
 * The shape integration tests build: MED_TEST_SCHEMA when set, else `create-all` embedded (json raw_data and the
 * enum colour catch a jsonb-only read in every `npm test`) and `docker` on a real server (MED_TEST_DATABASE_URL,
 * the usual install). test/support/med-schema.test.ts and test/query/ run on both shapes whatever the switch.
 */
export function testSchemaShape(env: NodeJS.ProcessEnv = process.env): MedSchemaShape {
  const chosen = env['MED_TEST_SCHEMA'];
  if (chosen === undefined || chosen === '') return env['MED_TEST_DATABASE_URL'] ? 'docker' : 'create-all';
  if (!(MED_SCHEMA_SHAPES as readonly string[]).includes(chosen)) {
    throw new Error(`MED_TEST_SCHEMA=${chosen}: expected ${MED_SCHEMA_SHAPES.join(' or ')}`);
  }
  return chosen as MedSchemaShape;
}

/** The schema createTestDatabase applies (see testSchemaShape). */
export const MED_SCHEMA_SQL = medSchemaSql(testSchemaShape());
