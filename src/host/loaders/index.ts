/**
 * Entry point for resource files: sniffs whether a document is a `pulumi stack export` or a
 * `pulumi preview --json` and reads it into {@link HostResource}s.
 */
import { readFileSync } from "fs";
import { isPreviewJson, readPreviewJson } from "./preview-json";
import {
  InputError,
  LoadedResources,
  isStackExport,
  parseJsonDocument,
  readStackExport,
} from "./stack-export";

export { InputError } from "./stack-export";
export type { DocumentKind, LoadedResources } from "./stack-export";

const STDIN_NAME = "<stdin>";

/** Reads the document from text; `file` names it in messages. */
export function parseResourceDocument(text: string, file: string): LoadedResources {
  if (text.trim() === "") {
    throw new InputError(
      `${file}: empty input (expected a \`pulumi stack export\` or \`pulumi preview --json\` document)`,
      file,
    );
  }
  const document = parseJsonDocument(text, file);
  if (isStackExport(document)) {
    return readStackExport(document, file);
  }
  if (isPreviewJson(document)) {
    return readPreviewJson(document, file);
  }
  throw new InputError(
    `${file}: neither a \`pulumi stack export\` document (with "deployment") nor a \`pulumi preview --json\` document (with "steps")`,
    file,
  );
}

/** Loads a resource file; `-` reads standard input. */
export function loadResourceFile(file: string): LoadedResources {
  const name = file === "-" ? STDIN_NAME : file;
  let text: string;
  try {
    // File descriptor 0 is standard input; reading it synchronously keeps the loader usable from sync callers.
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (err as Error).message;
    throw new InputError(`${name}: cannot read resource file: ${why}`, name);
  }
  return parseResourceDocument(text, name);
}
