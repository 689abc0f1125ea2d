// One contract, every provider: the local sandbox and E2B (its unmodified SDK against the local
// emulator; against e2b.dev itself when E2B_API_KEY is set).
import { describe, it } from "vitest";
import { createLocalProvider } from "../src/runtime/sandbox/local.ts";
import { createE2BProvider, e2bOptionsFromEnv } from "../src/runtime/sandbox/e2b.ts";
import { startE2BEmulator } from "./e2b-emulator/emulator.ts";
import { sandboxProviderContract } from "./support/sandbox-contract.ts";

sandboxProviderContract("local", async () => ({ provider: createLocalProvider() }));

sandboxProviderContract("e2b (SDK against the emulator)", async () => {
  const emulator = await startE2BEmulator();
  const provider = createE2BProvider({ apiKey: emulator.apiKey, apiUrl: emulator.url, sandboxUrl: emulator.url });
  return { provider, stop: () => emulator.stop() };
});

const live = e2bOptionsFromEnv(process.env);
if (live !== undefined) {
  sandboxProviderContract("e2b live (E2B_API_KEY is set)", async () => ({ provider: createE2BProvider(live) }));
} else {
  describe("sandbox provider contract: e2b live", () => {
    it.skip("runs only when E2B_API_KEY is set (it creates real, billed E2B sandboxes)", () => undefined);
  });
}
