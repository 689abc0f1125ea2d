#!/usr/bin/env node
// The CLI run from source (through tsx); bin/obsgen runs the same code from a start-up snapshot.
import { runCli } from "./run.js";

void runCli(process.argv.slice(2));
