import { randomBytes } from 'node:crypto';

/**
 * Deterministic ids (a counter per prefix) so a test or a demo run produces the same ids every time; secrets
 * (tokens, codes) use `secret()` instead, because a guessable token would hide an auth bug in the app.
 */
export class IdGenerator {
  readonly #counters = new Map<string, number>();

  next(prefix: string): string {
    const n = (this.#counters.get(prefix) ?? 0) + 1;
    this.#counters.set(prefix, n);
    return `${prefix}_${String(n).padStart(6, '0')}`;
  }
}

export function secret(prefix: string): string {
  return `${prefix}_${randomBytes(20).toString('hex')}`;
}

/** Digits only, with a leading US country code added to 10-digit numbers, so +1 (305) 555-0142 matches 3055550142. */
export function phoneKey(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 10 ? `1${digits}` : digits;
}
