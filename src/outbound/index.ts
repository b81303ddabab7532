// The outbound domain's public face: the send API, the durable queue and its owner-side dispatcher.
export { createOutboundRepo } from './outbound.repo.js';
export { outboundRouter } from './outbound.routes.js';
export { createOutboundService, type OutboundService } from './outbound.service.js';
export { ZSendRequest, type TSendRequest } from './outbound.schemas.js';
/** For other domains' contracts (MCP tools) that answer what a send or a check answers. */
export { MAX_TEXT_LENGTH, ZCheckNumbersResult, ZPresenceResult, ZSendAccepted } from './outbound.schemas.js';
export { SendDispatcher } from './send-dispatcher.js';
export { SendGovernor } from './send-governor.js';
export { createSendLookupsRepo } from './send-lookups.repo.js';
/** The SSRF guard of URL fetches, for other domains that call URLs a store names (channels). */
