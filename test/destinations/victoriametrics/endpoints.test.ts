import { describe, expect, it } from 'vitest';
import { victoriaMetricsEndpoints } from '../../../src/destinations/victoriametrics/endpoints.js';

const endpoints = (url: string) => victoriaMetricsEndpoints(new URL(url));

describe('victoriaMetricsEndpoints', () => {
  it('puts every endpoint under a single node URL', () => {
    expect(endpoints('http://victoriametrics:8428')).toEqual({
      base: 'http://victoriametrics:8428',
      importUrl: 'http://victoriametrics:8428/api/v1/import/prometheus',
      exportUrl: 'http://victoriametrics:8428/api/v1/export',
      flushUrl: 'http://victoriametrics:8428/internal/force_flush',
      healthUrl: 'http://victoriametrics:8428/health',
      metricsUrl: 'http://victoriametrics:8428/metrics',
      cluster: false,
      readOnlyPath: false,
    });
  });

  it('ignores trailing slashes and keeps a reverse-proxy path prefix', () => {
    const result = endpoints('https://proxy.example/vm/');
    expect(result.base).toBe('https://proxy.example/vm');
    expect(result.importUrl).toBe('https://proxy.example/vm/api/v1/import/prometheus');
    expect(result.healthUrl).toBe('https://proxy.example/vm/health');
  });

  it('accepts a URL that already names the import endpoint', () => {
    expect(endpoints('http://vm:8428/api/v1/import/prometheus').importUrl).toBe(
      'http://vm:8428/api/v1/import/prometheus',
    );
    expect(endpoints('http://vm:8428/api/v1/import/prometheus/').base).toBe('http://vm:8428');
  });

  it('appends the import path to a cluster vminsert tenant URL; health at the vminsert root; no reads', () => {
    expect(endpoints('http://vminsert:8480/insert/0/prometheus')).toEqual({
      base: 'http://vminsert:8480/insert/0/prometheus',
      importUrl: 'http://vminsert:8480/insert/0/prometheus/api/v1/import/prometheus',
      exportUrl: null,
      flushUrl: null,
      healthUrl: 'http://vminsert:8480/health',
      metricsUrl: 'http://vminsert:8480/metrics',
      cluster: true,
      readOnlyPath: false,
    });
    expect(endpoints('http://vminsert:8480/insert/42:7/prometheus/').importUrl).toBe(
      'http://vminsert:8480/insert/42:7/prometheus/api/v1/import/prometheus',
    );
  });

  it('recognises a vmselect tenant URL as a read-only path', () => {
    const result = endpoints('http://vmselect:8481/select/0/prometheus');
    expect(result.readOnlyPath).toBe(true);
    expect(result.exportUrl).toBe('http://vmselect:8481/select/0/prometheus/api/v1/export');
    expect(result.healthUrl).toBe('http://vmselect:8481/health');
  });

  it('never carries credentials written in the URL', () => {
    const result = endpoints('http://user:secret@vm:8428');
    for (const url of [result.base, result.importUrl, result.exportUrl, result.healthUrl]) {
      expect(url).not.toContain('secret');
      expect(url).not.toContain('user');
    }
  });
});
