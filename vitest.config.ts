import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // test/stress runs only with MCP_SYNC_STRESS=1 (npm run test:stress); skipped otherwise.
    include: [
      'test/unit/**/*.test.ts',
      'test/integration/**/*.test.ts',
      'test/hostile/**/*.test.ts',
      'test/docs/**/*.test.ts',
      'test/stress/**/*.test.ts',
    ],
    // Integration tests block their thread in Atomics.wait and spawn real servers: give them room,
    // and run files in separate forks so a blocked or crashed test cannot take the others down.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
