import {
  OAuthError,
  OAuthErrorCode,
  ProtocolError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/shared/errors.js';
import { classify, isSessionExpired } from '../../../workers/recovery/classify.js';
import { InsufficientScopeError } from '../../../workers/auth/oauth-challenge.js';

/** Ported from hermes-agent tests/tools/test_mcp_tool_session_expired.py, plus the HTTP forms. */
describe('session-expiry classification', () => {
  it.each([
    'Invalid params: Invalid or expired session',
    'Session expired',
    'expired session: abc',
    'session not found',
    'Unknown session: abc123',
    'Session terminated',
    'INVALID OR EXPIRED SESSION',
    'Session Expired',
    'Bad Request: No valid session ID provided',
  ])('recognises %j as session expiry', (message) => {
    expect(isSessionExpired(new Error(message))).toBe(true);
  });

  it.each(['Tool failed to execute', 'Missing parameter', 'Connection refused', '401 Unauthorized', ''])(
    'does not take %j for session expiry',
    (message) => {
      expect(isSessionExpired(new Error(message))).toBe(false);
    },
  );

  it('does not take a bare Error with no message for session expiry', () => {
    expect(isSessionExpired(new Error())).toBe(false);
    expect(isSessionExpired(undefined)).toBe(false);
  });

  const http = (status: number, text: string): SdkHttpError =>
    new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, `Error POSTing to endpoint: ${text}`, { status, text });

  it('recognises the SDK server answer to a forgotten session: HTTP 404 on POST', () => {
    expect(isSessionExpired(http(404, '{"jsonrpc":"2.0","error":{"code":-32001,"message":"Session not found"},"id":null}'))).toBe(true);
    expect(isSessionExpired(http(500, 'boom'))).toBe(false);
  });

  it('does not take a 404 without a session (a 2026 server, a wrong URL), nor a 404 Method not found, for an expiry', () => {
    expect(isSessionExpired(http(404, 'Cannot POST /wrong'), false)).toBe(false);
    expect(isSessionExpired(http(404, '{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1}'))).toBe(false);
  });

  it('never classifies an interrupted call as session expiry, whatever its message', () => {
    const error = classify(new ProtocolError(-32001, 'Invalid or expired session'), 'srv', 'interrupt');
    expect(error.code).toBe(ErrorCode.INTERRUPTED);
  });

  it('classifies a JSON-RPC "Invalid or expired session" on a 200 as SESSION_EXPIRED', () => {
    expect(classify(new ProtocolError(-32602, 'Invalid params: Invalid or expired session'), 'srv').code).toBe(ErrorCode.SESSION_EXPIRED);
  });

  it('keeps a timeout a timeout: never session expiry', () => {
    expect(classify(new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out'), 'srv').code).toBe(ErrorCode.TIMEOUT);
    expect(classify(new Error('aborted'), 'srv', 'timeout').code).toBe(ErrorCode.TIMEOUT);
  });

  it('treats a connection closed under a pending request as OUTCOME_UNCERTAIN, not a generic -32000', () => {
    expect(classify(new SdkError(SdkErrorCode.ConnectionClosed, 'Connection closed'), 'srv').code).toBe(ErrorCode.OUTCOME_UNCERTAIN);
    expect(classify(new ProtocolError(-32000, 'Database is locked'), 'srv').code).toBe(ErrorCode.RPC_ERROR);
  });

  it('classifies HTTP 401 as NEEDS_REAUTH with a message telling the user how to log in', () => {
    const error = classify(http(401, 'unauthorized'), 'github');
    expect(error.code).toBe(ErrorCode.NEEDS_REAUTH);
    expect(error.message).toContain('mcp-sync login github');
    expect(error.data).toMatchObject({ server: 'github', needsReauth: true });
  });

  it.each([
    ['UnauthorizedError', new UnauthorizedError()],
    ['invalid_grant (refresh token revoked or used)', new OAuthError(OAuthErrorCode.InvalidGrant, 'Refresh token is invalid')],
    ['invalid_client', new OAuthError(OAuthErrorCode.InvalidClient, 'unknown client')],
  ])('classifies the OAuth failure %s as NEEDS_REAUTH', (_name, error) => {
    const classified = classify(error, 'github');
    expect(classified.code).toBe(ErrorCode.NEEDS_REAUTH);
    expect(classified.message).toContain('mcp-sync login github');
  });

  it('classifies a step-up refusal as NEEDS_REAUTH carrying the scope the login must ask for', () => {
    const error = classify(new InsufficientScopeError('github', 'repo admin:org'), 'github');
    expect(error.code).toBe(ErrorCode.NEEDS_REAUTH);
    expect(error.data).toMatchObject({ server: 'github', needsReauth: true, httpStatus: 403, scope: 'repo admin:org' });
    expect(error.message).toContain("requires re-authentication with OAuth scope 'repo admin:org'");
    expect(error.message).toContain('mcp-sync login github');
    expect(classify(new UnauthorizedError(), 'github').data).not.toHaveProperty('scope');
  });

  it.each([
    new OAuthError(OAuthErrorCode.ServerError, 'down'),
    new OAuthError(OAuthErrorCode.TemporarilyUnavailable, 'later'),
    new OAuthError(OAuthErrorCode.TooManyRequests, 'slow down'),
  ])('does not ask for a login over a transient OAuth error (%s)', (error) => {
    expect(classify(error, 'github').code).not.toBe(ErrorCode.NEEDS_REAUTH);
  });
});

describe('session-expiry classification of JSON-RPC errors', () => {
  it('ignores a server error that mentions a session of its own under another code', () => {
    expect(isSessionExpired(new ProtocolError(-32603, "Unknown session 'tmux-3'"))).toBe(false);
    expect(isSessionExpired(new ProtocolError(-32002, 'Session not found: browser tab closed'))).toBe(false);
  });

  it('still recognises the lost-session answers real servers send', () => {
    expect(isSessionExpired(new ProtocolError(-32602, 'Invalid params: Invalid or expired session'))).toBe(true);
    expect(isSessionExpired(new ProtocolError(-32000, 'Session terminated'))).toBe(true);
  });
});
