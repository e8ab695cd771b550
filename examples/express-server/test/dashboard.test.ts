import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardFolder } from '../src/app.js';
import { type RunningServer, startServer } from '../src/server.js';
import { longChat, repoRoot, SHORT_STEREO, TEST_KEY, testConfig } from './helpers/fixtures.js';

/** Screenshots land in docs/images when UPDATE_SCREENSHOTS=1 (how the committed ones were made). */
const screenshots =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(repoRoot, 'docs', 'images')
    : mkdtempSync(join(tmpdir(), 'echolens-shots-'));

const failureShots = mkdtempSync(join(tmpdir(), 'echolens-dashboard-'));

describe('dashboard in headless Chromium', () => {
  let running: RunningServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!dashboardFolder()) throw new Error('the dashboard is not built: run `pnpm build` first');
    mkdirSync(screenshots, { recursive: true });
    running = await startServer(testConfig(), { print: () => {} });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // A shared 2-core machine can be slow; nothing here is a timing assertion.
    page.setDefaultTimeout(180_000);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });
  afterAll(async () => {
    // What the page showed when it ended, for a failed run.
    await page
      ?.screenshot({ path: join(failureShots, 'dashboard-last.png'), fullPage: true })
      .catch(() => undefined);
    await browser?.close();
    await running?.close();
  });

  it('signs in, uploads a dropped recording, follows it to done, plays a clicked line, shows every page', async () => {
    await page.goto(running.url);
    await page.getByLabel('API key').fill(TEST_KEY);
    await page.screenshot({ path: join(screenshots, 'dashboard-sign-in.png') });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Drop recordings').waitFor();

    // Drag and drop: a real File in a DataTransfer, dropped on the zone.
    await page.getByPlaceholder('agent id').first().fill('alice');
    await page.getByPlaceholder('channels, e.g. agent,customer').fill('agent,customer');
    const bytes = readFileSync(SHORT_STEREO()).toString('base64');
    await page.evaluate(
      ({ base64, name }) => {
        const binary = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([binary], name, { type: 'audio/wav' }));
        const zone = document.querySelector('.drop-zone') as HTMLElement;
        zone.dispatchEvent(
          new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }),
        );
        zone.dispatchEvent(
          new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
        );
      },
      { base64: bytes, name: 'two-speakers.wav' },
    );
    await page.getByText('1 call created').waitFor();
    const row = page.locator('tr[data-call-id]').filter({ hasText: 'two-speakers.wav' });
    // The status changes arrive through server-sent events; nothing reloads the page.
    await row.locator('[data-status="done"]').waitFor({ timeout: 600_000 });
    expect(await row.locator('td').nth(2).textContent()).toBe('alice');
    await page.screenshot({ path: join(screenshots, 'dashboard-calls.png'), fullPage: true });

    await row.getByRole('link').click();
    const lines = page.locator('.line-button');
    await lines.first().waitFor();
    expect(await lines.count()).toBeGreaterThan(0);
    await page.getByRole('heading', { name: 'Insights' }).waitFor();
    await page.getByRole('heading', { name: 'Sentiment timeline' }).waitFor();
    await page
      .locator('audio')
      .evaluate((audio: HTMLAudioElement) =>
        audio.readyState >= 1
          ? undefined
          : new Promise((resolve) => audio.addEventListener('loadedmetadata', resolve, { once: true })),
      );
    // A line that does not start at 0, so the move is visible.
    const target = page.locator('.line-button:not([data-start="0"])').last();
    const start = Number(await target.getAttribute('data-start'));
    expect(start).toBeGreaterThan(0);
    expect(await page.locator('.line .speaker').allTextContents()).toEqual(
      expect.arrayContaining(['agent', 'customer']),
    );
    await target.click();
    const position = await page.locator('audio').evaluate((audio: HTMLAudioElement) => {
      audio.pause();
      return audio.currentTime;
    });
    expect(Math.abs(position - start)).toBeLessThan(0.5);
    await expect
      .poll(() => target.evaluate((button) => button.parentElement?.className ?? ''), { timeout: 60_000 })
      .toContain('playing');
    await page.screenshot({ path: join(screenshots, 'dashboard-call.png'), fullPage: true });

    await page.getByRole('link', { name: 'Trends' }).click();
    await page.getByRole('heading', { name: 'Agent scorecards' }).waitFor();
    expect(await page.locator('table.scorecards tbody tr').first().textContent()).toContain('alice');
    await page.screenshot({ path: join(screenshots, 'dashboard-trends.png'), fullPage: true });

    await page.getByRole('link', { name: 'Text conversation' }).click();
    await page.getByRole('button', { name: 'Analyse' }).click();
    await page.getByRole('heading', { name: 'Result' }).waitFor();
    expect(await page.locator('.conversation .insights').textContent()).toContain('Topic');
    await page.screenshot({ path: join(screenshots, 'dashboard-conversation.png'), fullPage: true });

    // A long chat, sent through the API with the page's session: its call page tells it in parts.
    const created = await page.evaluate(async (turns) => {
      const response = await fetch('/api/conversations', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'long chat', turns }),
      });
      return (await response.json()) as { id: string };
    }, longChat());
    await page.goto(`${running.url}/#/calls/${created.id}`);
    const firstPart = page.locator('.insight').filter({ has: page.getByRole('heading', { name: 'Part 1' }) });
    await firstPart.waitFor();
    expect(await firstPart.locator('p').first().textContent()).toContain('I need to return an item');
    expect(await page.getByRole('heading', { name: /^Part \d+$/ }).count()).toBeGreaterThanOrEqual(2);

    await page.goto(`${running.url}/docs`);
    await page.locator('.swagger-ui .info').waitFor();
    await page.screenshot({ path: join(screenshots, 'dashboard-api-docs.png') });

    expect(consoleErrors).toEqual([]);
    expect(existsSync(join(screenshots, 'dashboard-call.png'))).toBe(true);
  });
});
