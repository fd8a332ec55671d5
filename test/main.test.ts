import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm start without configuration', () => {
  it('exits 1 with one line per missing variable', () => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      'config: GHL_CLIENT_ID: required',
      'config: GHL_CLIENT_SECRET: required',
      'config: GHL_SHARED_SECRET: required',
      'config: TOKEN_ENCRYPTION_KEY: required',
      'config: SESSION_SECRET: required',
    ]);
  });
});
