// Requests to URLs a store names: the address guard, the one POST, and Standard Webhooks signing.
export { guardedLookup, isInwardAddress } from './inward-address.js';
export { checkTargetAddress, checkTargetUrl, postJson, postSigned, type PostOutcome } from './target-url.js';
export { isSignedBy, newSigningSecret, signedHeaders } from './standard-webhooks.js';
export { retryDelayMs } from './retry-delay.js';
export { requestJson, type JsonRequestOptions, type JsonResponse } from './json-request.js';
