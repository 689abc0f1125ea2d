// The preview renderer (echarts, resvg) is an optional peer dependency of obsgen: a team that never
// renders previews does not install its 70 MB. `obsgen preview` imports it on use, and where it is
// absent says in one line how to add it.
import { ToolMissingError } from "./exit-codes.js";

/** package.json lists exactly these under peerDependenciesMeta as optional (test/package.test.ts). */
export const RENDERER_PACKAGES = ["echarts", "@resvg/resvg-js"] as const;
export const RENDERER_INSTALL_HINT = `npm install --save-dev ${RENDERER_PACKAGES.join(" ")}`;

function isMissingRenderer(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  // ERR_MODULE_NOT_FOUND from an import; MODULE_NOT_FOUND from resvg's require of its native
  // binding (@resvg/resvg-js-<platform>), absent when optional dependencies were omitted.
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return false;
  const message = (e as Error).message;
  return RENDERER_PACKAGES.some((p) => message.includes(`'${p}`) || message.includes(`"${p}`));
}

export async function loadPreview(): Promise<typeof import("../preview/index.js")> {
  try {
    return await import("../preview/index.js");
  } catch (e) {
    if (isMissingRenderer(e)) throw new ToolMissingError(`the preview renderer is not installed; add it with \`${RENDERER_INSTALL_HINT}\``);
    throw e;
  }
}
