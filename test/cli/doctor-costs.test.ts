import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import {
  HC_HP,
  OLDEST_PRICE_DAY,
  TEMPO_PDL,
  createCostFixture,
} from '../engines/timeseries-backfill/cost-fixture.js';
import type { CostFixture } from '../engines/timeseries-backfill/cost-fixture.js';

interface DoctorJson {
  findings: { code: string; usagePointId?: string; message: string; meaning: string; action: string }[];
}

describe('doctor on the costs of selected offers', () => {
  let fixture: CostFixture;

  beforeAll(async () => {
    fixture = await createCostFixture();
  }, 120_000);
  afterAll(() => fixture?.db.close());

  it('names the day before which costs use the oldest price known, for that PDL only', async () => {
    const result = await runCli(['doctor', '--json'], { DATABASE_URL: fixture.db.url });
    const { findings } = JSON.parse(result.stdout) as DoctorJson;
    const oldest = findings.filter((finding) => finding.code === 'before_oldest_price');
    expect(oldest.map((finding) => [finding.usagePointId, finding.message])).toEqual([
      [TEMPO_PDL, `costs before ${OLDEST_PRICE_DAY} use the oldest price known for this offer`],
    ]);
    expect(oldest[0]!.meaning).toContain(`not at those billed then`);
    expect(oldest[0]!.action).toContain(`valid_to is ${OLDEST_PRICE_DAY}`);
    expect(findings.some((finding) => finding.usagePointId === HC_HP.usagePointId)).toBe(false);
  });
});
