#!/usr/bin/env node
// The `sentinel` command: the compiled CLI entry (npm run build makes dist/).
import '../dist/src/cli/sentinel.js';
