// Copies the browser builds of the npm packages the pages use into the embedded static
// folder (internal/web/static/vendor, ignored by git), so `go build` embeds them.
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const vendor = path.join(root, "internal", "web", "static", "vendor");
const files = [
  ["node_modules/htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["node_modules/echarts/dist/echarts.min.js", "echarts.min.js"],
];

fs.mkdirSync(vendor, { recursive: true });
for (const [from, to] of files) {
  fs.copyFileSync(path.join(root, from), path.join(vendor, to));
}
console.log(`assets: copied ${files.length} files into ${path.relative(root, vendor)}`);
