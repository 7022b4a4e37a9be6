import { describe, it, expect } from 'vitest';
import { ErrorCode, McpSyncError } from '../../../src/shared/errors.js';
import {
  INTERRUPTED_MESSAGE,
  checkRequiredParameter,
  errorJson,
  errorTypeName,
  formatError,
  missingParameter,
  notConnectedMessage,
} from '../../../src/registry/format-error.js';

function parsed(error: unknown, server = 'srv'): unknown {
  return JSON.parse(formatError(error, server));
}

describe('error formatting', () => {
  it('reports an unknown or disconnected server as not connected (hermes: test_disconnected_server)', () => {
    expect(parsed(new McpSyncError(ErrorCode.NOT_CONNECTED, 'whatever'), 'ghost')).toEqual({
      error: "MCP server 'ghost' is not connected",
    });
    expect(parsed({ code: 'UNKNOWN_SERVER', message: 'no such server' }, 'ghost')).toEqual({
      error: "MCP server 'ghost' is not connected",
    });
    expect(notConnectedMessage('x')).toBe("MCP server 'x' is not connected");
  });

  it('reports an interrupted call with the hermes message (hermes: test_interrupted_call_returns_interrupted_error)', () => {
    expect(parsed(new McpSyncError(ErrorCode.INTERRUPTED, 'MCP call interrupted'))).toEqual({
      error: 'MCP call interrupted: user sent a new message',
    });
    expect(INTERRUPTED_MESSAGE).toBe('MCP call interrupted: user sent a new message');
  });

  it("tells the model hermes' breaker message, built from the error's data", () => {
    const error = new McpSyncError(ErrorCode.CIRCUIT_OPEN, 'for people', { server: 'srv', failures: 3, retryAfterMs: 59_500 });
    expect(parsed(error)).toEqual({
      error:
        "MCP server 'srv' is unreachable after 3 consecutive failures. Auto-retry available in ~60s. " +
        'Do NOT retry this tool yet — use alternative approaches or ask the user to check the MCP server.',
    });
  });

  it('flags re-authentication with needs_reauth and the server, and tells the model not to retry', () => {
    const message = "MCP server 'gh' requires re-authentication. Run `mcp-sync login gh`.";
    expect(formatError(new McpSyncError(ErrorCode.NEEDS_REAUTH, message), 'gh')).toBe(
      JSON.stringify({ error: `${message} Do NOT retry this tool — ask the user to re-authenticate.`, needs_reauth: true, server: 'gh' }),
    );
  });

  it('flags an uncertain outcome with outcome_uncertain and the server', () => {
    const message = "Connection to MCP server 'srv' broke mid-call; the call may or may not have run, so it was not retried";
    expect(parsed({ code: 'OUTCOME_UNCERTAIN', message })).toEqual({ error: message, outcome_uncertain: true, server: 'srv' });
  });

  it('reports other failures as "MCP call failed: <Type>: <message>" (hermes: test_exception_during_call)', () => {
    expect(parsed(new McpSyncError(ErrorCode.TRANSPORT_ERROR, "MCP server 'srv': connection lost"))).toEqual({
      error: "MCP call failed: TransportError: MCP server 'srv': connection lost",
    });
    expect(parsed({ code: 'TIMEOUT', message: "MCP call to 'srv' timed out" })).toEqual({
      error: "MCP call failed: TimeoutError: MCP call to 'srv' timed out",
    });
    expect(parsed({ code: 'RPC_ERROR', message: 'MCP error -32602: Invalid params', data: { rpcCode: -32602 } })).toEqual({
      error: 'MCP call failed: McpError: MCP error -32602: Invalid params',
    });
  });

  it('names every error code readably', () => {
    expect(errorTypeName('TIMEOUT')).toBe('TimeoutError');
    expect(errorTypeName('RPC_ERROR')).toBe('McpError');
    expect(errorTypeName('TRANSPORT_ERROR')).toBe('TransportError');
    expect(errorTypeName('SESSION_EXPIRED')).toBe('SessionExpiredError');
    expect(errorTypeName('WORKER_EXITED')).toBe('WorkerExitedError');
    expect(errorTypeName('OUTCOME_UNCERTAIN')).toBe('OutcomeUncertainError');
    expect(errorTypeName('INTERNAL')).toBe('InternalError');
    for (const code of Object.values(ErrorCode)) expect(errorTypeName(code)).toMatch(/^[A-Z][A-Za-z]*Error$/);
  });

  it('uses the error name for values without one of our codes, as hermes uses the exception type', () => {
    expect(parsed(new TypeError('x is not a function'))).toEqual({ error: 'MCP call failed: TypeError: x is not a function' });
    const system = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(parsed(system)).toEqual({ error: 'MCP call failed: Error: connect ECONNREFUSED 127.0.0.1:1' });
    expect(parsed('boom')).toEqual({ error: 'MCP call failed: Error: boom' });
    expect(parsed(undefined)).toEqual({ error: 'MCP call failed: Error: Error' });
  });

  it('falls back to the type name for an empty message (hermes _exc_str never returns "")', () => {
    expect(parsed({ code: 'TIMEOUT', message: '  ' })).toEqual({ error: 'MCP call failed: TimeoutError: TimeoutError' });
  });

  it('redacts credentials from every message', () => {
    expect(parsed(new McpSyncError(ErrorCode.TRANSPORT_ERROR, 'HTTP 500 for https://x/?token=abc'))).toEqual({
      error: 'MCP call failed: TransportError: HTTP 500 for https://x/?[REDACTED]',
    });
    expect(parsed(new McpSyncError(ErrorCode.NEEDS_REAUTH, 'rejected ghp_abc123'), 'gh')).toEqual({
      error: 'rejected [REDACTED] Do NOT retry this tool — ask the user to re-authenticate.',
      needs_reauth: true,
      server: 'gh',
    });
    expect(parsed(new Error('sk-projABC failed'))).toEqual({ error: 'MCP call failed: Error: [REDACTED] failed' });
  });
});

describe('missing parameters', () => {
  it('reports a missing parameter with the hermes message', () => {
    expect(missingParameter('uri')).toBe('{"error":"Missing required parameter \'uri\'"}');
  });

  it('checks a required parameter as hermes does (any falsy value is missing)', () => {
    expect(checkRequiredParameter({ uri: 'file:///x' }, 'uri')).toBeUndefined();
    for (const args of [{}, { uri: '' }, { uri: null }, null, undefined, 'uri']) {
      expect(JSON.parse(checkRequiredParameter(args, 'uri') ?? '{}')).toEqual({ error: "Missing required parameter 'uri'" });
    }
  });
});

describe('error JSON', () => {
  it('puts error first and the extras after it', () => {
    expect(errorJson('x', { server: 's' })).toBe('{"error":"x","server":"s"}');
  });
});
