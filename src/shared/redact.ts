/**
 * Credential redaction for error text that reaches a model (a port of hermes-agent's
 * `_sanitize_error` / `_CREDENTIAL_PATTERN`, with a few additions noted below).
 */
import type { ServerConfig } from './protocol.js';

/** What a redacted credential is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * Credential shapes, case-insensitive. From hermes: GitHub PAT `ghp_…`, OpenAI-style `sk-…`,
 * `Bearer <token>`, and `token=` / `key=` / `API_KEY=` / `password=` / `secret=` assignments
 * (the value up to whitespace, `&`, `,`, `;` or a quote; here also a quoted value, which hermes
 * missed). Added here: the other GitHub token
 * prefixes (`gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), and a word-boundary guard on the
 * prefixes so `risk-based` or `desk-top` are not mistaken for an `sk-` key.
 */
const CREDENTIAL_PATTERN = new RegExp(
  [
    String.raw`(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9_]{1,255}|github_pat_[A-Za-z0-9_]{1,255})`,
    String.raw`(?<![A-Za-z0-9])sk-[A-Za-z0-9_-](?:\.?[A-Za-z0-9_-]){0,254}`,
    String.raw`Bearer\s+\S+`,
    String.raw`(?:token|key|API_KEY|password|secret)=["']?[^\s&,;"']{1,255}`,
  ].join('|'),
  'gi',
);

/** `"access_token": "…"`-style JSON fields (error bodies echoed from OAuth servers): the value goes. */
const JSON_SECRET_FIELD = /("[A-Za-z0-9_-]*(?:token|secret|password|api[_-]?key)"\s*:\s*")([^"\\]|\\.)+(")/gi;

/** `scheme://user:password@host`: the password goes, the user stays for diagnosis. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)[^\s/@]+(@)/gi;

/** Configured secret values (see {@link registerSecretValues}), longest first. */
let secretValues: string[] = [];

/** Shorter values are not redacted by value: "1" or "dev" would blank out unrelated text. */
export const MIN_SECRET_CHARS = 4;

/**
 * Adds configured secrets — values that the patterns below may not recognise, such as
 * `X-Api-Key: plainsecret789` — to what {@link redactSecrets} removes, in this thread. The hub and
 * its I/O worker register the secret values of their configuration (see `secretValuesOf`).
 */
export function registerSecretValues(values: Iterable<string>): void {
  const all = new Set(secretValues);
  for (const value of values) if (value.length >= MIN_SECRET_CHARS) all.add(value);
  secretValues = [...all].sort((a, b) => b.length - a.length);
}

function redactValues(text: string): string {
  for (const value of secretValues) if (text.includes(value)) text = text.split(value).join(REDACTED);
  return text;
}

/**
 * Replaces configured secret values and credential-like substrings of `text` with `[REDACTED]`. Applied to every error string
 * the registry handlers return, so a token echoed in an exception message never reaches a model
 * (`"Authorization: Bearer eyJabc"` → `"Authorization: [REDACTED]"`, `"url?token=s3cr3t"` →
 * `"url?[REDACTED]"`). Text without credentials is returned unchanged.
 */
export function redactSecrets(text: string): string {
  return redactValues(text)
    .replace(JSON_SECRET_FIELD, `$1${REDACTED}$3`)
    .replace(URL_PASSWORD, `$1${REDACTED}$2`)
    .replace(CREDENTIAL_PATTERN, REDACTED);
}

/** Headers whose values are never secret (and common words a redaction would only garble). */
const PUBLIC_HEADERS = new Set(['accept', 'accept-language', 'content-type', 'user-agent', 'mcp-protocol-version']);
/** Environment variables whose names say they hold a credential. */
const SECRET_ENV_NAME = /KEY|TOKEN|SECRET|PASS|CRED|AUTH|PRIVATE|COOKIE|SESSION|SIGNATURE|CERT/i;

/**
 * The secret values of a configuration, for {@link registerSecretValues}: every header value but
 * the few public ones (and the token after `Bearer` / `Basic`), the values of `env` variables
 * whose names say credential, and OAuth client secrets, keys, assertions and ID tokens.
 */
export function secretValuesOf(configs: readonly ServerConfig[]): string[] {
  const values: string[] = [];
  for (const config of configs) {
    if (config.transport === 'stdio') {
      for (const [name, value] of Object.entries(config.env)) if (SECRET_ENV_NAME.test(name)) values.push(value);
      continue;
    }
    for (const [name, value] of Object.entries(config.headers)) {
      if (PUBLIC_HEADERS.has(name.toLowerCase())) continue;
      values.push(value);
      const token = /^(?:Bearer|Basic|Token)\s+(\S+)$/i.exec(value)?.[1];
      if (token !== undefined) values.push(token);
    }
    const { clientSecret, privateKey, assertion, idToken, idpClientSecret } = config.oauth ?? {};
    for (const value of [clientSecret, privateKey, assertion, idToken, idpClientSecret]) if (value !== undefined) values.push(value);
  }
  return values;
}
