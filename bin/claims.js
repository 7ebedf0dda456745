#!/usr/bin/env node
// The `claims` CLI runs the TypeScript sources directly through tsx: no build step on a fresh clone.
import { register } from 'tsx/esm/api';

// Local tooling runs on the machine's Node 20; Lambda runs nodejs22.x. The SDK's Node-version notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../src/cli/main.ts');
