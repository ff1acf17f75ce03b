import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { MED_SCHEMA_RELAXATIONS, MED_SCHEMA_SHAPES, medSchemaSql, testSchemaShape } from './med-schema.js';
import type { MedSchemaShape } from './med-schema.js';

// The real dumps live beside the repository (../shared/myelectricaldata/), not in it: a fresh clone skips this part.
// MED_REAL_SCHEMA_DIR points elsewhere (a git worktree's parent is not the repository's).
const REAL_DIR =
  process.env['MED_REAL_SCHEMA_DIR'] ??
  fileURLToPath(new URL('../../../shared/myelectricaldata/', import.meta.url));
const REAL_FILES: Record<MedSchemaShape, string> = {
  docker: 'schema-docker.sql',
  'create-all': 'schema-create-all.sql',
};

interface Table {
  /** column → its definition as pg_dump prints it */
  columns: Map<string, string>;
  /** unique constraints and unique indexes: `table(columns)` */
  unique: Set<string>;
  /** every index name */
  indexes: Set<string>;
}

function tablesOf(sql: string, names: readonly string[]): Map<string, Table> {
  const tables = new Map<string, Table>();
  for (const name of names) {
    const body = new RegExp(`CREATE TABLE (?:IF NOT EXISTS )?public\\.${name} \\((.*?)\\n\\);`, 's').exec(
      sql,
    )?.[1];
    const table: Table = { columns: new Map(), unique: new Set(), indexes: new Set() };
    for (const line of (body ?? '').split('\n').map((text) => text.trim().replace(/,$/, ''))) {
      const unique = /^CONSTRAINT \w+ (?:UNIQUE|PRIMARY KEY) \((.*)\)$/.exec(line);
      if (unique) table.unique.add(`${name}(${unique[1]})`);
      else if (line)
        table.columns.set(line.split(' ')[0]!.replace(/"/g, ''), line.slice(line.indexOf(' ') + 1));
    }
    for (const match of sql.matchAll(
      new RegExp(`ADD CONSTRAINT \\w+ (?:UNIQUE|PRIMARY KEY) \\((.*?)\\);`, 'g'),
    )) {
      const before = sql.slice(0, match.index);
      if (
        before.slice(before.lastIndexOf('ALTER TABLE ONLY')).startsWith(`ALTER TABLE ONLY public.${name}\n`)
      ) {
        table.unique.add(`${name}(${match[1]})`);
      }
    }
    for (const match of sql.matchAll(
      new RegExp(
        `CREATE (UNIQUE )?INDEX (?:IF NOT EXISTS )?(\\w+) ON public\\.${name} USING btree \\((.*?)\\);`,
        'g',
      ),
    )) {
      table.indexes.add(match[2]!);
      if (match[1]) table.unique.add(`${name}(${match[3]})`);
    }
    tables.set(name, table);
  }
  return tables;
}

const fixtureTableNames = (shape: MedSchemaShape) =>
  [...medSchemaSql(shape).matchAll(/CREATE TABLE IF NOT EXISTS public\.(\w+)/g)].map((match) => match[1]!);

/** A column's type without its default and nullability. */
const typeOf = (definition: string) =>
  definition.replace(/ DEFAULT .*?(?= NOT NULL|$)/, '').replace(/ NOT NULL$/, '');

describe.each(MED_SCHEMA_SHAPES)('the %s schema fixture', (shape) => {
  const realPath = join(REAL_DIR, REAL_FILES[shape]);

  it.skipIf(!existsSync(realPath))('matches the real dump column for column, index for index', () => {
    const names = fixtureTableNames(shape);
    const real = tablesOf(readFileSync(realPath, 'utf8'), names);
    const fixture = tablesOf(medSchemaSql(shape), names);
    for (const name of names) {
      const expected = real.get(name)!;
      const actual = fixture.get(name)!;
      expect([...actual.columns.keys()].sort(), name).toEqual([...expected.columns.keys()].sort());
      for (const [column, definition] of expected.columns) {
        const relaxed = MED_SCHEMA_RELAXATIONS.some(
          (relaxation) =>
            relaxation.table === name && relaxation.column === column && relaxation.shapes.includes(shape),
        );
        const got = actual.columns.get(column)!;
        if (relaxed) expect(typeOf(got), `${name}.${column}`).toBe(typeOf(definition));
        else expect(got, `${name}.${column}`).toBe(definition);
      }
      expect([...actual.unique].sort(), name).toEqual([...expected.unique].sort());
      expect([...actual.indexes].sort(), name).toEqual([...expected.indexes].sort());
    }
  });

  it('builds the real column types, twice in a row', async () => {
    const db = new PGlite();
    try {
      await db.exec(medSchemaSql(shape));
      await db.exec(medSchemaSql(shape));
      const { rows } = await db.query<{ column: string; type: string }>(
        `select table_name || '.' || column_name as column, udt_name as type from information_schema.columns
         where table_schema = 'public' and (data_type in ('json', 'jsonb') or udt_name = 'tempocolor'
           or (table_name = 'tempo_days' and column_name = 'color'))
         order by 1`,
      );
      const raw = shape === 'docker' ? 'jsonb' : 'json';
      expect(Object.fromEntries(rows.map((row) => [row.column, row.type]))).toMatchObject({
        'consumption_data.raw_data': raw,
        'production_data.raw_data': raw,
        'pdls.offpeak_hours': 'json',
        'ecowatt.values': 'json',
        'energy_offers.hc_schedules': 'json',
        'export_configs.config': shape === 'docker' ? 'jsonb' : 'json',
        'tempo_days.color': shape === 'docker' ? 'varchar' : 'tempocolor',
      });
      const { rows: offerColumns } = await db.query(
        `select 1 from information_schema.columns where table_name = 'energy_offers'`,
      );
      expect(offerColumns).toHaveLength(34);
    } finally {
      await db.close();
    }
  });
});

describe('testSchemaShape', () => {
  it('follows MED_TEST_SCHEMA, else create-all embedded and docker on a server', () => {
    expect(testSchemaShape({})).toBe('create-all');
    expect(testSchemaShape({ MED_TEST_DATABASE_URL: 'postgres://x/y' })).toBe('docker');
    expect(testSchemaShape({ MED_TEST_SCHEMA: 'docker' })).toBe('docker');
    expect(() => testSchemaShape({ MED_TEST_SCHEMA: 'helm' })).toThrow(/MED_TEST_SCHEMA=helm/);
  });
});
