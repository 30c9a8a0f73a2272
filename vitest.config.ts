import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { availableParallelism } from 'node:os';

/**
 * Two projects: `unit` is the fast loop; `heavy` holds the cases that need hundreds of MB or whole-process runs
 * (`*.heavy.test.ts`). `npm test` runs both; `npm run unit` only the first.
 */
export default defineConfig({
  // Compiles runes in `.svelte.ts` state classes, so they are tested as the page runs them.
  plugins: [svelte({ configFile: false })],
  test: {
    environment: 'node',
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Every core: Vitest's default leaves one idle (one worker on a two-core machine). Heavy keeps the
          // default, so its hundreds-of-MB cases do not run side by side.
          maxWorkers: availableParallelism(),
          include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.heavy.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'heavy',
          include: ['src/**/*.heavy.test.ts', 'bench/**/*.heavy.test.ts', 'tests/**/*.heavy.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
