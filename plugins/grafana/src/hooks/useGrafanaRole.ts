import { config } from '@grafana/runtime';

export type OrgRole = 'Viewer' | 'Editor' | 'Admin' | 'None';

const RANK: Record<OrgRole, number> = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };

/** The signed-in Grafana user's org role, or null when Grafana did not say (then the server decides). */
export function grafanaOrgRole(): OrgRole | null {
  const role = (config as { bootData?: { user?: { orgRole?: string } } }).bootData?.user?.orgRole;
  return role && role in RANK ? (role as OrgRole) : null;
}

/** True unless Grafana says the user's role is below `needed` (plugin.json routes enforce the same). */
export function mayUseRoute(needed: Exclude<OrgRole, 'None'>): boolean {
  const role = grafanaOrgRole();
  return role === null || RANK[role] >= RANK[needed];
}
