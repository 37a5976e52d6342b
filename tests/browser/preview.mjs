// Follows the emergency path through the preview site in a real headless
// Chromium, by clicking, and takes a screenshot. Run by tests/suite/preview.rs:
//
//   node tests/browser/preview.mjs <site dir> <screenshot.png>
//
// Prints one JSON line: the pages visited and what their chat bubble says.
import { chromium } from 'playwright-core';
import path from 'node:path';

const [site, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
  const visited = [];
  const note = async () => visited.push({
    page: path.basename(new URL(page.url()).pathname),
    lang: await page.getAttribute('html', 'lang'),
    bubble: (await page.textContent('.bubble')) ?? '',
    buttons: await page.locator('.keyboard .button').allTextContents(),
  });
  await page.goto('file://' + path.resolve(site, 'index.html'));
  await page.getByRole('link', { name: 'Русский' }).click();
  await page.waitForURL('**/ru/start.html');
  await note();
  // The first button of the main menu is the emergency page.
  await page.locator('.keyboard .button').first().click();
  await page.waitForURL('**/ru/not-breathing.html');
  await note();
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.getByRole('link', { name: 'Сердечно-лёгочная реанимация' }).click();
  await page.waitForURL('**/ru/cpr-steps.html');
  await note();
  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForURL('**/en/cpr-steps.html');
  await note();
  console.log(JSON.stringify({ visited }));
} finally {
  await browser.close();
}
