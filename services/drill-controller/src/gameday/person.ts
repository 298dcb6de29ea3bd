/**
 * The person behind a principal: the `person` an identity provider gave the token when there is
 * one, else the token's subject. Read defensively so it works before and after `person` joins
 * `Principal`; the two-person rule compares these.
 */
import type { Principal } from '../server/auth/tokens.js';

export function personOf(principal: Principal): string {
  const person = (principal as Principal & { person?: unknown }).person;
  return typeof person === 'string' && person.trim() ? person : principal.subject;
}
