#!/usr/bin/env node
// `npx @gs/monitor diagnose model.json data.json`: see ./node/diagnose-cli.ts.
import { diagnoseCli } from './node/diagnose-cli.js';

process.exitCode = await diagnoseCli(process.argv);
