import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Every path where a secret can sit in what we log. Tokens, signatures, SSO payloads and credentials are
 * replaced, never printed; a test greps captured logs for the tokens it used.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-ghl-signature"]',
  'req.headers["x-wh-signature"]',
  '*.access_token',
  '*.refresh_token',
  '*.accessToken',
  '*.refreshToken',
  '*.client_secret',
  '*.clientSecret',
  '*.token',
  '*.payload',
  '*.password',
  'access_token',
  'refresh_token',
  'token',
  'headers.Authorization',
  'headers.authorization',
  'config.headers.Authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
