import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDuration } from './capstan-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({}, '/srv');
    expect(c).toMatchObject({
      dataDir: '/srv/data',
      bindAddress: '127.0.0.1',
      httpPort: 9000,
      httpsPort: 9443,
      tunnelPort: 8000,
      httpDisabled: false,
      baseUrl: '',
      databaseUrl: undefined,
      adminInitTimeoutMs: 300_000,
      logLevel: 'info',
      logFormat: 'pretty',
    });
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        CAPSTAN_HTTP_PORT: 'eighty',
        CAPSTAN_HTTPS_PORT: '70000',
        CAPSTAN_LOG_LEVEL: 'loud',
        CAPSTAN_DATABASE_URL: 'mysql://x',
        CAPSTAN_SECRET_KEY: 'short',
        CAPSTAN_TLS_CERT: '/c.pem',
        CAPSTAN_ADMIN_PASSWORD: 'x',
        CAPSTAN_ADMIN_PASSWORD_FILE: '/p',
        CAPSTAN_HTTP_DISABLED: 'maybe',
        CAPSTAN_ADMIN_INIT_TIMEOUT: 'soon',
        CAPSTAN_BASE_URL: 'no-slash',
        CAPSTAN_INITIAL_ENVIRONMENT: 'ftp://docker',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'CAPSTAN_HTTP_PORT',
      'CAPSTAN_HTTPS_PORT',
      'CAPSTAN_LOG_LEVEL',
      'CAPSTAN_DATABASE_URL',
      'CAPSTAN_SECRET_KEY',
      'CAPSTAN_TLS_KEY',
      'CAPSTAN_ADMIN_PASSWORD_FILE',
      'CAPSTAN_HTTP_DISABLED',
      'CAPSTAN_ADMIN_INIT_TIMEOUT',
      'CAPSTAN_BASE_URL',
      'CAPSTAN_INITIAL_ENVIRONMENT',
    ]) {
      expect(problems).toContain(name);
    }
    expect((error as ConfigError).problems).toHaveLength(11);
  });

  it('normalises the base URL and accepts PostgreSQL URLs', () => {
    const c = loadConfig({
      CAPSTAN_BASE_URL: '/capstan/',
      CAPSTAN_DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db',
    });
    expect(c.baseUrl).toBe('/capstan');
    expect(c.databaseUrl).toContain('postgresql://');
  });
});

describe('parseDuration', () => {
  it.each([
    ['8h', 28_800_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['0', 0],
  ])('%s = %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'h', '5', '5 m', '-1h', '1y'])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});
