// Debian's Chromium driven by playwright-core (never `npx playwright install`:
// only the npm registry and Debian are reachable; see TOOLCHAIN.md).
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** Signs in through the real sign-in page and waits for the inbox. */
export async function signIn(page: Page, baseUrl: string, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/inbox$/);
}

/**
 * Waits until the page has hydrated and listens for the keyboard shortcuts: the
 * server-rendered page is on screen before that, and keys pressed then are lost.
 */
export async function shortcutsLive(page: Page): Promise<void> {
  await page.locator("html[data-shortcuts='on']").waitFor({ state: "attached" });
}

/**
 * Opens a page whose session has ended and waits for the sign-in page. The
 * redirect may come from the server or, while a live page notices the ended
 * session first, from the client: then playwright reports the first navigation
 * as interrupted, which is the outcome asked for, not a failure.
 */
export async function gotoExpectingSignIn(page: Page, url: string): Promise<void> {
  await page.goto(url).catch((error: unknown) => {
    if (!String(error).includes("interrupted by another navigation")) throw error;
  });
  await page.waitForURL(/\/sign-in/);
}
