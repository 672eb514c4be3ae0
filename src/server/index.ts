/** Server: the HTTP API (Fastify), its configuration and start-up. */
export { createApp } from './app.ts';
export type { AppOptions, RegisteredRoute } from './app.ts';
export { startServer, BUILTIN_CONNECTORS_DIR } from './server.ts';
export type { RunningServer } from './server.ts';
export { loadConfig, SETTINGS } from './config/config.ts';
export type { ResolvedConfig } from './config/config.ts';
export { ensureAdminToken } from './bootstrap.ts';
export type { BootstrapOutcome } from './bootstrap.ts';
export { generateToken, hashToken } from './tokens.ts';
export { catalogConnectorLookup } from './routes/connections.ts';
export { createConfiguredEgress, createGatewayWiring } from './gateway-wiring.ts';
export type { GatewayWiring, GatewayWiringOptions } from './gateway-wiring.ts';
