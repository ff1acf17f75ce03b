#!/usr/bin/env node
// What package.json's `bin` names: the bundle `npm run build` makes (scripts/build.mjs), CommonJS.
require('../dist/bundle/bin.js');
