// Unit tests of the Node projects (server libs, contracts, agent): ports replaced, no IO.
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';
import { root, tsconfigAliases } from './aliases.mts';

export default defineConfig({
  root,
  plugins: [
    swc.vite({
      module: { type: 'es6' },
      jsc: { target: 'es2022', transform: { legacyDecorator: true, decoratorMetadata: true } },
    }),
  ],
  resolve: { alias: tsconfigAliases() },
  test: {
    name: 'unit',
    environment: 'node',
    include: [
      'apps/server/src/**/*.spec.ts',
      'apps/agent/src/**/*.spec.ts',
      'libs/server/**/src/**/*.spec.ts',
      'libs/contracts/**/src/**/*.spec.ts',
      'libs/agent/**/src/**/*.spec.ts',
    ],
    setupFiles: ['tools/test/reflect-metadata.setup.mts'],
  },
});
