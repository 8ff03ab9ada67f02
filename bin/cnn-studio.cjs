#!/usr/bin/env node
'use strict';
// The `cnn-studio` command: runs the bundled CLI (built by `npm run build`, and by `npm install`
// through the prepare script).
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.cjs');
if (!fs.existsSync(bundle)) {
  process.stderr.write('cnn-studio is not built yet: run `npm run build` in ' + path.dirname(__dirname) + '\n');
  process.exit(1);
}
require(bundle);
