// Builds the web console: src/ -> dist/ (app.js bundled by esbuild,
// index.html and app.css copied), and writes dist/sources.sha256, the
// digest of every source file, which api/web_test.go compares with the
// sources so that `go test` notices a source changed without a rebuild.
//
//   node build.mjs          build into dist/
//   node build.mjs --check  build into a temporary directory and fail
//                           unless it equals the committed dist/
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL(".", import.meta.url));
const check = process.argv.includes("--check");

// sourceFiles lists what the build reads, relative to root with "/":
// everything but dist/, node_modules/ and dotfiles. api/web_test.go
// walks the same way.
function sourceFiles(dir = root) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    const rel = relative(root, p).split(sep).join("/");
    if (rel === "dist" || rel === "node_modules") continue;
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else out.push(rel);
  }
  return out.sort();
}

function manifest() {
  return sourceFiles()
    .map((f) => createHash("sha256").update(readFileSync(join(root, f))).digest("hex") + "  " + f + "\n")
    .join("");
}

async function build(outdir) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await esbuild.build({
    entryPoints: [join(root, "src/main.ts")],
    outfile: join(outdir, "app.js"),
    bundle: true,
    format: "iife",
    target: "es2020",
    charset: "utf8",
    legalComments: "none",
    logLevel: "warning",
  });
  cpSync(join(root, "src/index.html"), join(outdir, "index.html"));
  cpSync(join(root, "src/app.css"), join(outdir, "app.css"));
  writeFileSync(join(outdir, "sources.sha256"), manifest());
}

function compare(got, want) {
  const names = [...new Set([...readdirSync(got), ...readdirSync(want)])].sort();
  const diffs = [];
  for (const n of names) {
    let a, b;
    try { a = readFileSync(join(got, n)); } catch { diffs.push(`dist/${n}: not built from the sources`); continue; }
    try { b = readFileSync(join(want, n)); } catch { diffs.push(`dist/${n}: missing from the committed build`); continue; }
    if (!a.equals(b)) diffs.push(`dist/${n}: differs from a build of the sources`);
  }
  return diffs;
}

if (check) {
  const tmp = mkdtempSync(join(tmpdir(), "bulkverify-web-"));
  try {
    await build(tmp);
    const diffs = compare(tmp, join(root, "dist"));
    if (diffs.length) {
      console.error(diffs.join("\n") + "\nthe committed api/web/dist is not the build of api/web/src: run `make web` and commit dist/");
      process.exit(1);
    }
    console.log("api/web/dist is the build of its sources");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
} else {
  await build(join(root, "dist"));
  console.log("built api/web/dist");
}
