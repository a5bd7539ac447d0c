// Test kinds are told apart by suffix: *.unit.test.ts (pure, no I/O, next to the code),
// *.sql.test.ts (next to the code, against an in-process PostgreSQL, PGlite: no stack needed),
// *.int.test.ts and *.e2e.test.ts (under test/, against the real local stack).
const transform = { '^.+\\.ts$': ['@swc/jest'] };
const testPathIgnorePatterns = ['/node_modules/', '/infra/\\.local/'];

module.exports = {
  // Stack tests wait for real processes; each waits on conditions with its own deadline.
  testTimeout: 180000,
  testSequencer: '<rootDir>/test/support/faultsLastSequencer.js',
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/**/*.unit.test.ts'],
      transform,
      testPathIgnorePatterns,
    },
    {
      displayName: 'sql',
      testMatch: ['<rootDir>/**/*.sql.test.ts'],
      // PGlite's CommonJS build loads its WebAssembly and Node built-ins with import(), which
      // Jest's module sandbox refuses without --experimental-vm-modules: compiled to require().
      transform: { ...transform, '/node_modules/@electric-sql/pglite/dist/.+\\.cjs$': ['@swc/jest'] },
      transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
      testPathIgnorePatterns,
    },
    {
      displayName: 'stack',
      testMatch: ['<rootDir>/test/**/*.int.test.ts', '<rootDir>/test/**/*.e2e.test.ts'],
      transform,
      testPathIgnorePatterns,
      globalSetup: '<rootDir>/test/support/globalSetup.ts',
      slowTestThreshold: 60,
    },
  ],
};
