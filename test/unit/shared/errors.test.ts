import { describe, expect, it } from 'vitest';
import { ErrorCode, McpSyncError, fromWire, toWire } from '../../../src/shared/errors.js';

describe('errors across the thread boundary', () => {
  it('round-trips code, name, message and data', () => {
    const wire = toWire(new McpSyncError(ErrorCode.TIMEOUT, 'too slow', { server: 'srv' }));
    const back = fromWire(structuredClone(wire));
    expect(back).toBeInstanceOf(McpSyncError);
    expect(back).toMatchObject({ code: ErrorCode.TIMEOUT, message: 'too slow', data: { server: 'srv' } });
  });

  it('turns anything that is not an McpSyncError into INTERNAL, and an unknown code too', () => {
    expect(toWire(new Error('boom'))).toMatchObject({ code: ErrorCode.INTERNAL, message: 'boom' });
    expect(fromWire({ code: 'NOPE' as never, name: 'X', message: 'm' }).code).toBe(ErrorCode.INTERNAL);
  });

  it('redacts credentials a server echoed into an error before it leaves the worker', () => {
    const wire = toWire(
      new McpSyncError(
        ErrorCode.TRANSPORT_ERROR,
        'HTTP 500: bad header Authorization: Bearer abc.def.ghi token=s3cr3t ghp_0123456789abcdefABCDEF0123456789abcd',
      ),
    );
    expect(wire.message).not.toContain('abc.def.ghi');
    expect(wire.message).not.toContain('s3cr3t');
    expect(wire.message).not.toContain('ghp_0123456789');
    expect(wire.message).toContain('[REDACTED]');
  });
});
