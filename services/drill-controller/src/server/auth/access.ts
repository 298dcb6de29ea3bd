/**
 * Authorisation and audit of the controller's state changes: who may do what (roles and the
 * token's services, `allowed`), and the audit log of every attempt with who, what, when and from
 * where. A refusal is audited before it is thrown, and marked so the HTTP layer does not record it
 * twice. An audit write that fails is logged and never fails the action.
 */
import type { NewAuditEntry, Store } from '../../store/types.js';
import { ApiError } from '../errors.js';
import { allowed, type Permission, type Principal } from './tokens.js';

/** The caller of an action: its token's principal and where the request came from. */
export interface Actor extends Principal {
  remote: string | null;
}

export type AuditOutcome = 'ok' | 'denied' | 'refused' | 'failed';

export class AccessControl {
  constructor(
    private readonly store: Pick<Store, 'appendAudit'>,
    private readonly log: (line: string) => void,
  ) {}

  /** Appends one audit row as given (the HTTP layer's refusals of anonymous callers). */
  async record(entry: NewAuditEntry): Promise<void> {
    try {
      await this.store.appendAudit(entry);
    } catch (e) {
      this.log(`audit write failed (${entry.action} ${entry.target} by ${entry.subject}): ${(e as Error).message}`);
    }
  }

  /** Appends one audit row for an actor; `who` null is the controller itself. */
  audit(who: Actor | null, action: string, target: string, outcome: AuditOutcome, detail: string | null): Promise<void> {
    return this.record({ subject: who?.subject ?? 'controller', role: who?.role ?? 'system', action, target, outcome, detail, remote: who?.remote ?? null });
  }

  /** An action the controller took on its own (crash recovery). */
  system(action: string, target: string, detail: string): Promise<void> {
    return this.audit(null, action, target, 'ok', detail);
  }

  /** Passes when `who` may do `what` (on `service`); else audits the denial and throws 403 saying why. */
  async require(who: Actor, what: Permission, action: string, target: string, service?: string): Promise<void> {
    if (allowed(who, what, service)) return;
    await this.audit(who, action, target, 'denied', `role ${who.role}${service ? `, services ${who.services.join('+')}` : ''}`);
    const why =
      what === 'release' ? 'only an admin may release the emergency stop' : service && who.role !== 'viewer' ? `${who.person ? who.subject : 'this token'} may not act on service ${service}` : `role ${who.role} may not ${what === 'emergency-stop' ? 'engage the emergency stop' : `${what} drills`}`;
    throw Object.assign(new ApiError(403, why), { audited: true });
  }

  /** Audits a refused (allowed but impossible) action and throws the API error that says why. */
  async refuse(who: Actor, action: string, target: string, status: number, message: string, field?: string): Promise<never> {
    await this.audit(who, action, target, 'refused', message);
    throw new ApiError(status, message, field);
  }
}
