import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real brokers and child processes: give them room on a 2-core machine.
    testTimeout: 30_000, // 30 s
    hookTimeout: 30_000, // 30 s
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
  },
});
