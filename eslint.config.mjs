// Root ESLint flat config: Nx module boundaries + typescript-eslint type-checked rules + prettier.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: [
      '**/dist',
      '**/node_modules',
      '**/.angular',
      '**/tmp',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
      '**/test-results',
    ],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      ...tseslint.configs.recommendedTypeChecked.reduce((acc, c) => ({ ...acc, ...(c.rules ?? {}) }), {}),
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A lib is used through its index (its facade): never a file inside it, and never another lib's
      // entities — they stay in their lib (callers get plain views). Nx refuses relative paths across libs.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@capstan/*/**', '!@capstan/contracts-agent/wire'],
              message: 'Import another lib through its index (its facade), not a file inside it.',
            },
            {
              group: ['**/entities/*', '!./entities/*', '!../entities/*'],
              message:
                "Entities stay in their lib's own folder: import the lib's facade and its plain views.",
            },
          ],
        },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['scope:server', 'scope:shared'] },
            { sourceTag: 'scope:portal', onlyDependOnLibsWithTags: ['scope:portal', 'scope:shared'] },
            { sourceTag: 'scope:agent', onlyDependOnLibsWithTags: ['scope:agent', 'scope:shared'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:domain',
                'type:feature',
                'type:data-access',
                'type:ui',
                'type:util',
                'type:contracts',
              ],
            },
            {
              sourceTag: 'type:feature',
              onlyDependOnLibsWithTags: [
                'type:feature',
                'type:data-access',
                'type:ui',
                'type:util',
                'type:contracts',
              ],
            },
            // Server domain modules (DESIGN §2): each uses other domains' facades, the core and the contracts; the
            // layers below say which domains it may use, so dependencies point one way (no cycle can form).
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:util', 'type:contracts'],
            },
            {
              sourceTag: 'layer:base',
              onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contracts'],
            },
            {
              sourceTag: 'layer:accounts',
              onlyDependOnLibsWithTags: ['layer:base', 'type:data-access', 'type:util', 'type:contracts'],
            },
            {
              // auth and rbac: who the caller is and what they may do.
              sourceTag: 'layer:access',
              onlyDependOnLibsWithTags: [
                'layer:accounts',
                'layer:base',
                'type:data-access',
                'type:util',
                'type:contracts',
              ],
            },
            {
              // environments and resource controls: what there is, and who owns it.
              sourceTag: 'layer:registry',
              onlyDependOnLibsWithTags: [
                'layer:registry',
                'layer:access',
                'layer:accounts',
                'layer:base',
                'type:data-access',
                'type:util',
                'type:contracts',
              ],
            },
            {
              // docker and webhooks: what reaches the engines.
              sourceTag: 'layer:engine',
              onlyDependOnLibsWithTags: [
                'layer:engine',
                'layer:registry',
                'layer:access',
                'layer:accounts',
                'layer:base',
                'type:data-access',
                'type:util',
                'type:contracts',
              ],
            },
            {
              sourceTag: 'type:data-access',
              onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contracts'],
            },
            { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:ui', 'type:util', 'type:contracts'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contracts', 'type:testing'] },
            // An e2e suite that also runs libraries in-process (e2e/swarm runs the cluster lib as stand-in agents).
            {
              sourceTag: 'type:e2e-harness',
              onlyDependOnLibsWithTags: ['type:feature', 'type:contracts', 'type:testing'],
            },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.test.ts', 'e2e/**/*.ts', 'tools/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
];
