import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real brokers and child processes: give them room on a 2-core machine.
    testTimeout: 30_000, // 30 s
    hookTimeout: 30_000, // 30 s
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    // expect.poll waits 1 s by default: too short for the browser tests' UI round trips on a loaded CI machine.
    expect: { poll: { timeout: 5_000 } }, // 5 s
  },
});
