#!/usr/bin/env node
// The `ssl-run` command: the compiled CLI entry (npm run build makes dist/).
import '../dist/src/cli/ssl-run.js';
