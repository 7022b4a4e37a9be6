import { describe, expect, it } from 'vitest';
import { ErrorCode, McpSyncError } from '../../../src/shared/errors.js';
import { CircuitBreaker } from '../../../workers/recovery/breaker.js';

/** A clock the test moves by hand: no sleeps. */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

function admitError(breaker: CircuitBreaker): McpSyncError | undefined {
  try {
    breaker.admit();
    return undefined;
  } catch (error) {
    return error as McpSyncError;
  }
}

describe('circuit breaker', () => {
  it('opens after 3 consecutive failures and fails fast, saying for how long', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker('srv', { threshold: 3, cooldownMs: 60_000, now: clock.now });
    breaker.failure();
    breaker.failure();
    expect(admitError(breaker)).toBeUndefined();
    breaker.failure();
    const error = admitError(breaker);
    expect(error?.code).toBe(ErrorCode.CIRCUIT_OPEN);
    expect(error?.message).toContain('unreachable after 3 consecutive failures');
    expect(error?.message).toContain('~60 s');
    expect(error?.data).toMatchObject({ server: 'srv', failures: 3 });
  });

  it('does not open when a success interrupts the streak', () => {
    const breaker = new CircuitBreaker('srv', { threshold: 3, cooldownMs: 60_000 });
    breaker.failure();
    breaker.failure();
    breaker.success();
    breaker.failure();
    breaker.failure();
    expect(admitError(breaker)).toBeUndefined();
  });

  it('lets exactly one probe through after the cooldown (half-open); its success closes the breaker', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker('srv', { threshold: 3, cooldownMs: 60_000, now: clock.now });
    for (let i = 0; i < 3; i++) breaker.failure();
    clock.advance(59_000);
    expect(admitError(breaker)?.code).toBe(ErrorCode.CIRCUIT_OPEN);
    clock.advance(1_000);
    expect(admitError(breaker)).toBeUndefined(); // the probe
    expect(admitError(breaker)?.code).toBe(ErrorCode.CIRCUIT_OPEN); // others wait for it
    breaker.success();
    expect(admitError(breaker)).toBeUndefined();
    expect(breaker.isOpen).toBe(false);
  });

  it('re-opens for a full cooldown when the half-open probe fails', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker('srv', { threshold: 3, cooldownMs: 60_000, now: clock.now });
    for (let i = 0; i < 3; i++) breaker.failure();
    clock.advance(60_000);
    expect(admitError(breaker)).toBeUndefined();
    breaker.failure();
    clock.advance(30_000);
    expect(admitError(breaker)?.code).toBe(ErrorCode.CIRCUIT_OPEN);
    clock.advance(30_000);
    expect(admitError(breaker)).toBeUndefined();
  });

  it('frees the probe slot when the probe was interrupted, without judging the server', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker('srv', { threshold: 3, cooldownMs: 1_000, now: clock.now });
    for (let i = 0; i < 3; i++) breaker.failure();
    clock.advance(1_000);
    expect(admitError(breaker)).toBeUndefined();
    breaker.release();
    expect(admitError(breaker)).toBeUndefined();
    expect(breaker.isOpen).toBe(true);
  });

  it('is reset by a successful reconnect', () => {
    const breaker = new CircuitBreaker('srv', { threshold: 3, cooldownMs: 60_000 });
    for (let i = 0; i < 3; i++) breaker.failure();
    breaker.reset();
    expect(admitError(breaker)).toBeUndefined();
    expect(breaker.failures).toBe(0);
  });
});
