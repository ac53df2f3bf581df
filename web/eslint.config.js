// ESLint over the web app (npm run lint; CI runs it): typescript-eslint's type-aware rules
// over src/ (the type checker's view of every expression, so `any` flowing in, floating
// promises and needless casts are caught), the React hooks rules, and one local rule: a
// cast (`x as T`, `x!`) says why on its line or the line above. Layout is Prettier's.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** A type assertion must carry a comment giving its reason (`as const` is not a cast). */
const castNeedsReason = {
  meta: {
    type: 'suggestion',
    docs: { description: 'a type assertion states its reason in a comment' },
    messages: { reason: 'Say why this cast is safe in a comment on this line or the line above.' },
    schema: [],
  },
  create(context) {
    const source = context.sourceCode;
    const commented = (node) => {
      const line = node.loc.end.line;
      return source
        .getAllComments()
        .some(
          (c) =>
            c.loc.end.line === node.loc.start.line - 1 ||
            (c.loc.start.line >= node.loc.start.line && c.loc.start.line <= line),
        );
    };
    const check = (node) => {
      const annotation = node.typeAnnotation;
      const isConst = annotation?.type === 'TSTypeReference' && annotation.typeName?.name === 'const';
      if (!isConst && !commented(node)) context.report({ node, messageId: 'reason' });
    };
    return { TSAsExpression: check, TSTypeAssertion: check, TSNonNullExpression: check };
  },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'src/api/schema.ts'] },
  js.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'react-hooks': reactHooks, local: { rules: { 'cast-needs-reason': castNeedsReason } } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'local/cast-needs-reason': 'error',
      // A React Compiler diagnostic; the app is not compiled with it (plain Vite + React).
      'react-hooks/preserve-manual-memoization': 'off',
      '@typescript-eslint/consistent-type-assertions': [
        'error',
        { assertionStyle: 'as', objectLiteralTypeAssertions: 'never' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['*.{js,ts}', 'scripts/*.mjs'],
    extends: [...tseslint.configs.recommended],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
