#!/usr/bin/env node
// The `al-run` command: the compiled CLI entry (npm run build makes dist/).
import '../dist/src/cli/al-run.js';
