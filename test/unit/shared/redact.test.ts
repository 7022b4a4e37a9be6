import { describe, it, expect } from 'vitest';
import { REDACTED, redactSecrets } from '../../../src/shared/redact.js';

describe('credential redaction', () => {
  it('strips the credentials hermes strips (hermes: TestSanitizeError.test_strips_credentials)', () => {
    for (const [text, expected] of [
      ['Error with ghp_abc123def456', 'Error with [REDACTED]'],
      ['key sk-projABC123xyz', 'key [REDACTED]'],
      ['Authorization: Bearer eyJabc123def', 'Authorization: [REDACTED]'],
      ['url?token=secret123', 'url?[REDACTED]'],
    ] as const) {
      expect(redactSecrets(text), text).toBe(expected);
    }
  });

  it('masks several credentials in one message (hermes)', () => {
    const multi = redactSecrets('ghp_abc123 and sk-projXyz789 and token=foo');
    expect(multi).not.toMatch(/ghp_|sk-|token=/);
    expect(multi.split(REDACTED)).toHaveLength(4);
  });

  it('leaves text without credentials unchanged (hermes: test_no_credentials_unchanged)', () => {
    expect(redactSecrets('normal error message')).toBe('normal error message');
    expect(redactSecrets('')).toBe('');
  });

  it('strips key=, API_KEY=, password= and secret= assignments, case-insensitively', () => {
    expect(redactSecrets('GET /x?key=abc&page=2')).toBe('GET /x?[REDACTED]&page=2');
    expect(redactSecrets('API_KEY=abc123 failed')).toBe('[REDACTED] failed');
    expect(redactSecrets('login password=hunter2;')).toBe('login [REDACTED];');
    expect(redactSecrets("config secret='s3cr3t'")).toBe("config [REDACTED]'");
    expect(redactSecrets('password="hunter2" rejected')).toBe('[REDACTED]" rejected');
    expect(redactSecrets('SECRET=s3cr3t, retry')).toBe('[REDACTED], retry');
    expect(redactSecrets('PASSWORD=x')).toBe('[REDACTED]');
  });

  it('strips the tail of compound names such as access_token= and api_key=', () => {
    expect(redactSecrets('?access_token=abc&x=1')).toBe('?access_[REDACTED]&x=1');
    expect(redactSecrets('x_api_key=abc')).toBe('x_[REDACTED]');
  });

  it('strips a Bearer token of any case, with any whitespace before it', () => {
    expect(redactSecrets('bearer\tabc.def.ghi rest')).toBe('[REDACTED] rest');
    expect(redactSecrets('BEARER xyz')).toBe('[REDACTED]');
  });

  it('strips sk- keys with dots and dashes, such as sk-proj-… and sk-ant-…', () => {
    expect(redactSecrets('sk-proj-AbC_123.def-456 rejected')).toBe('[REDACTED] rejected');
    expect(redactSecrets('used sk-ant-api03-xyz')).toBe('used [REDACTED]');
  });

  it('strips the other GitHub token prefixes', () => {
    for (const token of ['gho_abc', 'ghu_abc', 'ghs_abc', 'ghr_abc', 'github_pat_11ABC_def']) {
      expect(redactSecrets(`token ${token} expired`)).toBe('token [REDACTED] expired');
    }
  });

  it('does not mistake words containing sk- or ghp_ for keys', () => {
    expect(redactSecrets('The risk-based assessment was completed.')).toBe('The risk-based assessment was completed.');
    expect(redactSecrets('desk-top and task-runner')).toBe('desk-top and task-runner');
    expect(redactSecrets('aghp_x')).toBe('aghp_x');
  });

  it('strips the password of a URL, keeping the user', () => {
    expect(redactSecrets('connect postgres://admin:hunter2@db:5432/x failed')).toBe('connect postgres://admin:[REDACTED]@db:5432/x failed');
    expect(redactSecrets('see https://example.com:8080/path')).toBe('see https://example.com:8080/path');
  });

  it('strips secret-looking JSON fields of echoed error bodies', () => {
    expect(redactSecrets('{"error":"invalid_grant","refresh_token": "abc\\"def"}')).toBe(
      '{"error":"invalid_grant","refresh_token": "[REDACTED]"}',
    );
    expect(redactSecrets('{"client_secret":"x","apiKey":"y","api_key":"z"}')).toBe(
      '{"client_secret":"[REDACTED]","apiKey":"[REDACTED]","api_key":"[REDACTED]"}',
    );
    expect(redactSecrets('{"tokens_used": 12}')).toBe('{"tokens_used": 12}');
  });
});
