/**
 * Credential redaction for error text that reaches a model (a port of hermes-agent's
 * `_sanitize_error` / `_CREDENTIAL_PATTERN`, with a few additions noted below).
 */

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

/**
 * Replaces credential-like substrings of `text` with `[REDACTED]`. Applied to every error string
 * the registry handlers return, so a token echoed in an exception message never reaches a model
 * (`"Authorization: Bearer eyJabc"` → `"Authorization: [REDACTED]"`, `"url?token=s3cr3t"` →
 * `"url?[REDACTED]"`). Text without credentials is returned unchanged.
 */
export function redactSecrets(text: string): string {
  return text.replace(JSON_SECRET_FIELD, `$1${REDACTED}$3`).replace(URL_PASSWORD, `$1${REDACTED}$2`).replace(CREDENTIAL_PATTERN, REDACTED);
}
