import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { authOf, victoriaMetricsFields } from '../../../src/destinations/victoriametrics/config.js';
import type { VictoriaMetricsConfig } from '../../../src/destinations/victoriametrics/config.js';
import { flagValue, retentionDays } from '../../../src/destinations/victoriametrics/checks.js';

const config = (overrides: Partial<VictoriaMetricsConfig>): VictoriaMetricsConfig => ({
  url: new URL('http://vm:8428'),
  username: undefined,
  password: undefined,
  token: undefined,
  labels: {},
  batch_size: 10_000,
  pdl_name_label: false,
  ca_cert: undefined,
  tls_insecure: false,
  ...overrides,
});

describe('authOf', () => {
  it('uses basic auth, a bearer token, or nothing', () => {
    expect(authOf(config({}))).toEqual({ kind: 'none' });
    expect(authOf(config({ username: 'u', password: 'p' }))).toEqual({
      kind: 'basic',
      username: 'u',
      password: 'p',
    });
    expect(authOf(config({ token: 't' }))).toEqual({ kind: 'bearer', token: 't' });
  });

  it('takes credentials written in the URL', () => {
    expect(authOf(config({ url: new URL('http://me:p%40ss@vm:8428') }))).toEqual({
      kind: 'basic',
      username: 'me',
      password: 'p@ss',
    });
  });

  it('refuses a token together with a password, and a password without a user', () => {
    expect(() => authOf(config({ token: 't', username: 'u', password: 'p' }))).toThrow(ConfigError);
    expect(() => authOf(config({ password: 'p' }))).toThrow(/VICTORIAMETRICS_USERNAME/);
  });
});

describe('VICTORIAMETRICS_LABELS', () => {
  const parse = (raw: unknown) => victoriaMetricsFields.labels.parse(raw, 'VICTORIAMETRICS_LABELS');

  it('accepts a JSON object of extra labels', () => {
    expect(parse('{"env": "prod", "host": "raspberry"}')).toEqual({ env: 'prod', host: 'raspberry' });
  });

  it.each([
    ['{"my-env": "prod"}', /must match/],
    ['{"pdl": "x"}', /set by med-export itself/],
    ['{"__name__": "x"}', /must match|reserved/],
    ['{"env": {"nested": 1}}', /text, number or boolean/],
    ['["env"]', /JSON object/],
    ['not json', /JSON object/],
  ])('refuses %s', (raw, message) => {
    expect(() => parse(raw)).toThrow(message);
  });
});

describe('retention flags', () => {
  it('reads a flag from /metrics', () => {
    const text =
      'a 1\nflag{name="retentionPeriod", value="100y", is_set="true"} 1\nflag{name="x", value="y"} 1\n';
    expect(flagValue(text, 'retentionPeriod')).toBe('100y');
    expect(flagValue(text, 'dedup.minScrapeInterval')).toBeNull();
  });

  it.each([
    ['1', 31],
    ['12', 372],
    ['30d', 30],
    ['2w', 14],
    ['3y', 1095],
    ['48h', 2],
    ['soon', null],
  ])('-retentionPeriod=%s is about %s days', (value, days) => {
    expect(retentionDays(value)).toBe(days);
  });
});
