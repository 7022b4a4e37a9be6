import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The boundaries of the architecture (DESIGN.md, STYLE.md), enforced rather than described. */
const CALLER_SIDE = {
  patterns: [
    { group: ['@modelcontextprotocol/*'], message: 'The MCP SDK is confined to workers/: src/ runs in the caller threads.' },
    { group: ['**/workers/**', '**/workers'], message: 'src/ must not import workers/: the worker is loaded by path (new URL).' },
  ],
};
const WORKER_SIDE = {
  patterns: [
    {
      group: ['@modelcontextprotocol/sdk', '@modelcontextprotocol/sdk/*'],
      message: 'The worker speaks through the v2 client (@modelcontextprotocol/client); the 1.x SDK serves only the 2025 test fixtures.',
    },
    {
      regex: '(^|/)src/(?!shared/)',
      message: 'workers/ may import only src/shared/ (protocol, errors, redaction, types) of the caller side.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tools/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // The launcher is plain JavaScript run by Node.
  { files: ['bin/**/*.js'], languageOptions: { globals: { process: 'readonly', URL: 'readonly' } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/**/*.ts'], rules: { 'no-restricted-imports': ['error', CALLER_SIDE] } },
  { files: ['workers/**/*.ts'], rules: { 'no-restricted-imports': ['error', WORKER_SIDE] } },
);
