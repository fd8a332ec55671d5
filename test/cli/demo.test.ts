import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';

let child: ChildProcess | undefined;
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

/** Runs `npm run demo -- --exit` fast (a day in about 5 s of product time plus the work) and captures stdout. */
function runDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/demo.ts', ...args], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    proc.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run demo', () => {
  it('plays the day and exits 0 with every expected outcome, printing the timeline', async () => {
    const { code, stdout, stderr } = await runDemo(['--exit', '--speed', '20000']);
    // Ringback logs errors only (pino JSON, level 50 and up) and the demo reports a crash as "demo failed".
    expect(stderr).not.toMatch(/"level":(50|60)|demo failed/);
    expect(code, stdout).toBe(0);
    // No colors or progress-bar redraws when stdout is not a terminal.
    expect(stdout).not.toContain('\x1b[');
    expect(stdout).toMatch(/^progress {2}50%/m);
    expect(stdout).toMatch(/^Mon 09:00 {2}phone {2}Jane Cooper calls the Facebook Ad Line/m);
    expect(stdout).toMatch(/^Mon 09:02 {2}GHL {4}SMS {4}Jane Cooper {2}"Hi Jane, sorry we missed your call!/m);
    expect(stdout).toMatch(/^Mon 09:15 {2}GHL {4}TASK {3}→ Ana Lopez: Call back Jane Cooper \(Facebook Ad Caller\) due 09:15$/m);
    expect(stdout).toMatch(/^Mon 09:21 {2}note {3}Marcus Lee: recovered/m);
    // A caller GHL has no name for is named by number in the rep's task, and an email they cannot get is skipped.
    expect(stdout).toMatch(/^Mon 11:15 {2}GHL {4}TASK {3}→ \S+ \S+: Call back \+19175550148 \(Website Caller\)/m);
    expect(stdout).toMatch(/^Mon 13:00 {2}note {3}\(917\) 555-0148: email skipped: GHL has no email address/m);
    expect(stdout).toMatch(/^Mon 11:45 {2}GHL {4}TASK {3}→ Maya Patel: PRIORITY: .* missed 3 connections/m);
    expect(stdout).toMatch(/^Mon 23:02 {2}note {3}.*first SMS waits until Tue 08:00: outside send window$/m);
    expect(stdout).toMatch(/^Tue 08:00 {2}GHL {4}DIGEST → owner@brightsmile\.example: "Ringback daily digest 2026-01-06/m);
    expect(stdout).toMatch(/^Tue 09:00 {2}GHL {4}SMS {4}Jane Cooper/m);
    expect(stdout).toMatch(/^Total +10 +8 +3 +38 %/m);
    expect(stdout).toContain('Expected outcomes: 10 of 10');
    expect(stdout).toMatch(/http:\/\/127\.0\.0\.1:\d+\/location\/loc_demo_1\/ringback/);
  }, 150_000);
});
