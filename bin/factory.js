#!/usr/bin/env node
// Runs the TypeScript CLI in this process through tsx's loader, so `npx factory` works from a fresh
// clone without a build step, and signals (Ctrl-C, SIGTERM to a worker) reach the CLI itself.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
