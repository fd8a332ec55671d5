import { ADDRESS_PLACEHOLDER, type Settings } from './schema.js';

/**
 * CAN-SPAM (15 U.S.C. 7704(a)(5)) wants a valid physical postal address in every commercial email
 * (docs/compliance-signals.md). Why an email step cannot go out as written, or null when it can: it still holds
 * the placeholder, or it relies on `{{business.address}}` while GHL has no address for the location.
 */
export function emailAddressProblem(html: string, businessAddress: string | null): string | null {
  if (html.includes(ADDRESS_PLACEHOLDER) || /\[\s*your (?:street|postal|business|mailing) address/i.test(html)) {
    return 'still has the address placeholder: write your postal address, or use {{business.address}} (filled from your GHL business profile)';
  }
  if (/\{\{\s*business\.address\s*\}\}/.test(html) && !businessAddress?.trim()) {
    return 'uses {{business.address}}, but this sub-account has no business address in GHL: add it under Settings → Business Profile, or write your postal address here';
  }
  return null;
}

/** Every email step that could not go out, with the path the settings page highlights. */
export function emailAddressProblems(
  settings: Settings,
  businessAddress: string | null,
): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  settings.sequence.forEach((step, i) => {
    if (step.action !== 'email') return;
    const problem = emailAddressProblem(step.html, businessAddress);
    if (problem)
      out.push({
        path: `sequence[${i}].html`,
        message: `An email needs your postal address (CAN-SPAM): the email ${problem}.`,
      });
  });
  return out;
}
