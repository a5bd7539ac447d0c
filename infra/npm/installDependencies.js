// `prestart` and `pretest`: installs exactly what package-lock.json says (`npm ci`), once per lock.
// Plain JavaScript: it runs before the TypeScript tooling exists. `npm install` here would rewrite
// the lock on a machine whose platform it describes differently, and dirty the checkout.
'use strict';
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const lockHash = createHash('sha256')
  .update(fs.readFileSync(path.join(root, 'package-lock.json')))
  .digest('hex');
// Written after a successful install, inside node_modules: `npm ci` removes it with the rest.
const stamp = path.join(root, 'node_modules', '.installed-from-lock');

if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === lockHash) process.exit(0);

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const install = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
  cwd: root,
  stdio: 'inherit',
});
if (install.status !== 0) {
  console.error('npm ci failed: package-lock.json must match package.json (run `npm install` to update it, and commit it)');
  process.exit(install.status ?? 1);
}
fs.writeFileSync(stamp, lockHash);
