import { startServer, launchBrowser, PHONE, DESKTOP } from "./helpers.mjs";
const server = await startServer();
const browser = await launchBrowser();
const shots = JSON.parse(process.argv[2]);
for (const [path, vp, name, full] of shots) {
  const page = await browser.newPage({ viewport: vp === "phone" ? PHONE : DESKTOP });
  await page.goto(server.base + path);
  await page.screenshot({ path: `/tmp/${name}.png`, fullPage: !!full });
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  console.log(name, "scrollWidth", sw);
  await page.close();
}
await browser.close();
server.stop();
