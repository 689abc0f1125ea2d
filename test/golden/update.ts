// `npm run golden:update`: rewrites every golden case's expected/ from its spec, after an intended
// change to the generators. Review the diff (git diff test/golden generated) before committing.
import { goldenCases, generateCase, repoPath } from "./cases.js";
import { writeArtifacts } from "../../src/output/files.js";

for (const c of goldenCases()) {
  const { written, removed } = writeArtifacts(generateCase(c), repoPath(c.expected));
  process.stdout.write(`${c.name}: ${written.length} written, ${removed.length} removed (${c.expected}/)\n`);
}
