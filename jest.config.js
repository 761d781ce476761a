// Unit tests for the layers that need no browser: src/core, src/compute's pure parts and
// src/viewer/model. Anything needing a real browser is tested in ui-tests/ instead.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/__tests__/**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }]
  },
  moduleFileExtensions: ['ts', 'js', 'json']
};
