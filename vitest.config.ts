import { defineConfig } from 'vitest/config';

// Two projects so that `vitest run test/unit` never starts the registries: vitest
// runs a project's globalSetup only when that project has files to run.
export default defineConfig({
  test: {
    pool: 'forks',
    fileParallelism: true,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    clearMocks: true,
    restoreMocks: true,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', '**/node_modules/**'],
          globalSetup: ['test/helpers/global-setup.ts'],
        },
      },
    ],
  },
});
