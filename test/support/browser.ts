import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium, headless, as root. Never a downloaded browser. The background-networking
 * flags keep it from reaching for Google's hosts on a machine with no internet.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
