// The output directory holds something obsgen refuses to act on (a manifest it cannot trust, a
// link out of the directory); the message names the file. Its own module, free of imports, so the
// CLI's entry point can map it to an exit code without loading the writer.
export class OutputDirError extends Error {}
