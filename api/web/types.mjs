// Generates src/api-types.ts, the TypeScript types of the API's shapes,
// from api/openapi.json (the document GET /openapi.json serves) with
// openapi-typescript. src/types.ts names the ones the console reads.
//
//   node types.mjs          write src/api-types.ts
//   node types.mjs --check  fail unless src/api-types.ts is what the
//                           document generates
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const root = fileURLToPath(new URL(".", import.meta.url));
const doc = new URL("../openapi.json", import.meta.url);
const out = root + "src/api-types.ts";
const check = process.argv.includes("--check");

const banner = `// Generated from api/openapi.json by openapi-typescript (node types.mjs,
// run by \`make web\`): do not edit. Change the document and regenerate.

`;
const ast = await openapiTS(doc, { enumValues: true });
const text = banner + astToString(ast);

if (check) {
  let got = "";
  try { got = readFileSync(out, "utf8"); } catch {}
  if (got !== text) {
    console.error("api/web/src/api-types.ts is not what api/openapi.json generates: run `make web` and commit src/api-types.ts and dist/");
    process.exit(1);
  }
  console.log("api/web/src/api-types.ts is generated from api/openapi.json");
} else {
  writeFileSync(out, text);
  console.log("wrote api/web/src/api-types.ts");
}
