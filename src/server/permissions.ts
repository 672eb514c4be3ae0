/**
 * The one place where permissions are checked. Every `/api` route declares the permission it
 * needs in its route config; the auth hook refuses routes that declare none.
 */
import type { PrincipalRecord } from '../storage/index.ts';

/** Everything a route can require. */
export type Permission =
  | 'catalog:read'
  | 'catalog:write'
  | 'environments:read'
  | 'api:read'
  /** See connections (the service shows only owned and shared ones, except to admins). */
  | 'connections:read'
  /** Create, change, share and delete connections (the service further limits this to owners and admins). */
  | 'connections:write'
  /** Use a connection (test it, call through it); the service requires ownership or a share. */
  | 'connections:use'
  /** See an environment's OAuth app registrations (client ids; secrets never). */
  | 'oauth-apps:read'
  /** Register, change and remove OAuth apps (client id and secret per identity provider or connector). */
  | 'oauth-apps:write'
  /** See an environment's flows (definitions included), their runs and run history. */
  | 'flows:read'
  /** Create, change, enable, disable and delete flows. */
  | 'flows:write'
  /** Start a flow's run by hand (`POST …/flows/{id}/run`). */
  | 'flows:run';

const ROLE_PERMISSIONS: Readonly<Record<PrincipalRecord['role'], readonly Permission[]>> = {
  admin: ['catalog:read', 'catalog:write', 'environments:read', 'api:read', 'connections:read', 'connections:write', 'connections:use', 'oauth-apps:read', 'oauth-apps:write', 'flows:read', 'flows:write', 'flows:run'],
  maker: ['catalog:read', 'catalog:write', 'environments:read', 'api:read', 'connections:read', 'connections:write', 'connections:use', 'oauth-apps:read', 'flows:read', 'flows:write', 'flows:run'],
  // Viewers run what is shared with them: they may see and use shared connections, never create or change one.
  // Likewise flows: they may see flows and their runs and start a run, never create, change or delete one.
  viewer: ['catalog:read', 'environments:read', 'api:read', 'connections:read', 'connections:use', 'flows:read', 'flows:run'],
};

/** True when `principal` holds `permission`. */
export function hasPermission(principal: PrincipalRecord, permission: Permission): boolean {
  return ROLE_PERMISSIONS[principal.role].includes(permission);
}
