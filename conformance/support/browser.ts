import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { Browser } from "puppeteer-core";

/**
 * A real headless Chromium for the report checks, driven through puppeteer-core. Which one: JOB_PARITY_CHROMIUM (a
 * path) when set; else the Chromium inside the @sparticuz/chromium dev dependency (unpacked into the temp folder on
 * first use, a few seconds once), which `npm ci` brings to any x64 Linux machine; else Debian's /usr/bin/chromium.
 */
export interface ReportBrowser {
  /** Which browser, for messages. */
  readonly name: string;
  /** The DOM after loading an HTML file, scripts run, serialized. */
  dom(file: string): Promise<string>;
  /** What the browser's XML parser says of a text: null when it parses, else the parser's message. */
  xmlError(text: string): Promise<string | null>;
  close(): Promise<void>;
}

/** How to get the check to run where no browser could be started. */
export const BROWSER_HELP =
  "the HTML report is checked in a headless Chromium: `npm ci` installs one (@sparticuz/chromium, x64 Linux); elsewhere set JOB_PARITY_CHROMIUM=<path to chromium> or install Debian's (`apt-get install -y chromium`); then `npx vitest run conformance/self/html.test.ts`";

const SYSTEM_CHROMIUM = "/usr/bin/chromium";

async function executable(): Promise<{ path: string; args: string[]; name: string }> {
  const given = process.env.JOB_PARITY_CHROMIUM;
  if (given !== undefined && given !== "") return { path: given, args: [], name: given };
  try {
    const { default: packaged } = await import("@sparticuz/chromium");
    return { path: await packaged.executablePath(), args: packaged.args, name: "@sparticuz/chromium" };
  } catch (error) {
    if (existsSync(SYSTEM_CHROMIUM)) return { path: SYSTEM_CHROMIUM, args: [], name: SYSTEM_CHROMIUM };
    throw new Error(`no Chromium: @sparticuz/chromium could not be unpacked (${(error as Error).message}) and ${SYSTEM_CHROMIUM} does not exist`, { cause: error });
  }
}

/** A browser, or why none could be started. */
export async function openReportBrowser(): Promise<ReportBrowser | { readonly missing: string }> {
  let browser: Browser;
  let name: string;
  try {
    const found = await executable();
    const { default: puppeteer } = await import("puppeteer-core");
    browser = await puppeteer.launch({
      executablePath: found.path,
      headless: true,
      args: [...found.args, "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    name = found.name;
  } catch (error) {
    return { missing: (error as Error).message };
  }
  return {
    name,
    async dom(file) {
      const page = await browser.newPage();
      try {
        await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
        return await page.content();
      } finally {
        await page.close();
      }
    },
    async xmlError(text) {
      const page = await browser.newPage();
      try {
        return await page.evaluate((xml: string) => {
          const parsed = new DOMParser().parseFromString(xml, "application/xml");
          const error = parsed.getElementsByTagName("parsererror")[0];
          return error === undefined ? null : (error.textContent ?? "parsererror");
        }, text);
      } finally {
        await page.close();
      }
    },
    close: () => browser.close(),
  };
}
