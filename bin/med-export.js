#!/usr/bin/env node
// What package.json's `bin` names: the bundle `npm run build` makes (scripts/build.mjs).
await import('../dist/bundle/bin.js');
