#!/usr/bin/env node
// A committed entry point, so package managers link the `echolens` command at install time,
// before the build has produced dist/ (pnpm skips bin links whose target does not exist yet).
import '../dist/cli/main.js';
