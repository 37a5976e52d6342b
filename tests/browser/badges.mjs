// Reads the review and translation badges of the preview site in a real
// headless Chromium, as a reviewer sees them. Run by tests/suite/preview.rs:
//
//   node tests/browser/badges.mjs <site dir> <page>...
//
// Prints one JSON line: for the index and each page, its badges' texts.
import { chromium } from 'playwright-core';
import path from 'node:path';

const [site, ...pages] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
try {
  const page = await browser.newPage();
  const badges = {};
  for (const file of ['index.html', ...pages]) {
    await page.goto('file://' + path.resolve(site, file));
    badges[file] = await page.locator('.badge').allTextContents();
  }
  console.log(JSON.stringify({ badges }));
} finally {
  await browser.close();
}
