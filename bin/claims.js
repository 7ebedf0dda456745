#!/usr/bin/env node
// The `claims` CLI runs the TypeScript sources directly through tsx: no build step on a fresh clone.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
