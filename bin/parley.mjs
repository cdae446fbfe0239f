#!/usr/bin/env node
// Entry point for `npx parley ...`: runs the TypeScript sources through tsx, so the
// command works straight after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main/cli.ts');
await main(process.argv);
