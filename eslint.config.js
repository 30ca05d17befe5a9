import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'plugin/dist/', 'test/artifacts/', 'bench/results/', 'coverage/'] },
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      // Simulators and SSE parsers handle untyped wire data on purpose.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  // Boundaries: plugin/ and proxy/ meet only in shared/; dev/ and test/ may use everything, nothing ships uses them.
  ...boundary(
    'shared/**',
    ['plugin', 'proxy', 'dev', 'test'],
    'shared/ is what plugin and proxy both speak; it depends on neither',
  ),
  ...boundary(
    'plugin/**',
    ['proxy', 'dev', 'test'],
    'the plugin reaches the proxy only through shared/ (the wire contract)',
  ),
  ...boundary(
    'proxy/**',
    ['plugin', 'dev', 'test'],
    'the proxy reaches the plugin only through shared/ (the wire contract)',
  ),
  {
    // The story domain is pure: no SDK, no HTTP framework, no adapter; converters come in as arguments.
    files: ['proxy/story/**', 'proxy/proposal/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['hono', 'hono/*', '@hono/*', '@aws-sdk/*', '@smithy/*', '@storyblok/*', 'node:*'],
              message: 'The story domain is pure: pass what it needs in.',
            },
            {
              group: ['**/adapters/**', '**/http/**', '**/plugin/**', '**/dev/**', '**/test/**'],
              message: 'The story domain is pure: pass what it needs in.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportExpression', message: 'The story domain loads nothing: the edge passes converters in.' },
      ],
    },
  },
)

/** `no-restricted-imports` for files under `files`: no relative import may reach into the listed top-level folders. */
function boundary(files, forbidden, message) {
  return [
    {
      files: [files],
      rules: {
        'no-restricted-imports': ['error', { patterns: [{ group: forbidden.map((dir) => `**/${dir}/**`), message }] }],
      },
    },
  ]
}
