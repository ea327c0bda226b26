export { WEBAPI_GATEWAY_SERVICE, WebapiGatewayModule } from './webapi-gateway.module';
export type { GatewayOptions, ServiceTarget } from './gateway-options';
export type { AgentToken, AgentUserType } from './agent/agent-tokens';
export type { AgentRoutingPorts } from './agent/agent-routing';
