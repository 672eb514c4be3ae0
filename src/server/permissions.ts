/**
 * The one place where permissions are checked. Every `/api` route declares the permission it
 * needs in its route config; the auth hook refuses routes that declare none.
 */
import type { PrincipalRecord } from '../storage/index.ts';

/** Everything a route can require. */
export type Permission = 'catalog:read' | 'catalog:write' | 'environments:read' | 'api:read';

const ROLE_PERMISSIONS: Readonly<Record<PrincipalRecord['role'], readonly Permission[]>> = {
  admin: ['catalog:read', 'catalog:write', 'environments:read', 'api:read'],
  maker: ['catalog:read', 'catalog:write', 'environments:read', 'api:read'],
  viewer: ['catalog:read', 'environments:read', 'api:read'],
};

/** True when `principal` holds `permission`. */
export function hasPermission(principal: PrincipalRecord, permission: Permission): boolean {
  return ROLE_PERMISSIONS[principal.role].includes(permission);
}
