import { existsSync, mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { repoRoot, startApp, type RunningApp } from "../support/process.ts";

/** Screenshots land here; the folder is gitignored. */
export const screenshotDir = path.join(repoRoot, "test-results", "screenshots");

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const launchChromium = () => {
  // playwright-core's own message suggests downloading a browser, which this machine cannot do.
  if (!existsSync(chromiumPath)) {
    throw new Error(`The browser tests need Chromium at ${chromiumPath}: install Debian's "chromium" package (.ci/run does) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
};

export interface WebUnderTest {
  app: RunningApp;
  baseUrl: string;
  browser: Browser;
  /** A fresh browser context (its own cookies) per call. */
  newPage(options?: { width?: number; height?: number }): Promise<Page>;
  shot(page: Page, name: string): Promise<void>;
}

/**
 * Starts the app as `npm start` does (a real process on its own embedded database) and a
 * headless Chromium, once per file; both are closed and killed after the file.
 */
export function useWebApp(env: Record<string, string> = {}): WebUnderTest {
  const web = {} as WebUnderTest;
  const dataDir = mkdtempSync(path.join(tmpdir(), "cohort-coach-web-"));
  beforeAll(async () => {
    mkdirSync(screenshotDir, { recursive: true });
    // First: a missing Chromium throws here, before there is an app whose wait would be left unheard.
    const launching = launchChromium();
    web.app = startApp({ DATA_DIR: dataDir, PORT: "0", QUESTIONS_DIR: "questions", LOG_LEVEL: "info", ...env });
    const [line, browser] = await Promise.all([web.app.waitForLine((l) => l.includes("Practice room: open"), 150_000), launching]);
    web.browser = browser;
    web.baseUrl = (JSON.parse(line) as { practiceRoom: string }).practiceRoom.replace(/\/$/, "");
    web.newPage = async (options = {}) => {
      const context = await browser.newContext({ viewport: { width: options.width ?? 1000, height: options.height ?? 800 } });
      context.setDefaultTimeout(20_000);
      return context.newPage();
    };
    web.shot = async (page, name) => {
      await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
    };
    // Generous: PGlite's first boot and the bank sync share two cores with everything else in CI.
  }, 180_000);
  afterAll(async () => {
    await web.browser?.close();
    if (web.app && web.app.child.exitCode === null) {
      web.app.child.kill("SIGINT");
      await web.app.exit();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);
  return web;
}
