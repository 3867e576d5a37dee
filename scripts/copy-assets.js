// Copies the browser builds of the npm packages the pages use into the embedded static
// folder (internal/web/static/vendor, ignored by git), so `go build` embeds them. A build
// that is not installed is named and left out: the pages load only what is there.
// axe-core stays in node_modules: only the browser tests use it, never a page
// (browsertest.AxeScript reads node_modules/axe-core/axe.min.js).
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const vendor = path.join(root, "internal", "web", "static", "vendor");
const files = [
  ["node_modules/htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["node_modules/echarts/dist/echarts.min.js", "echarts.min.js"],
  // The QR reader of the volunteer's 扫码签到 page (/checkin), loaded on that page only.
  ["node_modules/jsqr/dist/jsQR.js", "jsQR.js"],
];

fs.mkdirSync(vendor, { recursive: true });
let copied = 0;
for (const [from, to] of files) {
  const src = path.join(root, from);
  if (!fs.existsSync(src)) {
    console.error(`assets: ${from} is not installed; pages go without ${to}`);
    continue;
  }
  fs.copyFileSync(src, path.join(vendor, to));
  copied++;
}
console.log(`assets: copied ${copied} of ${files.length} files into ${path.relative(root, vendor)}`);
if (!fs.existsSync(path.join(root, "node_modules/axe-core/axe.min.js"))) {
  console.error("assets: axe-core is not installed; the accessibility test (TestBrowserAxe) cannot run");
}
