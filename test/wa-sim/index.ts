/**
 * Local WhatsApp Web server simulator for tests of anything built on Baileys 7.0.0-rc14.
 * See README.md in this folder.
 */
export { startSimulator, WhatsAppSimulator, type SimulatorOptions } from './simulator.js';
export { trustSimulatorRoot, makeCertificateChain } from './cert-chain.js';
export { Phone } from './phone.js';
export { MediaHost, MEDIA_HOSTNAME } from './media-host.js';
export { SimGroup, type GroupOptions } from './groups.js';
export { FakeContact, type SendOptions, type GroupAddress, type ContactIdentity, type Addressing, type ReceiptKind, type ReceivedMessage, type ClientReceipt } from './fake-contact.js';
export type { ClientVersion, Flapping } from './failures.js';
export { makeMemoryAuthState, makeMemoryKeyStore } from './memory-auth-state.js';
export { TestClient, linkNewClient, testSocketConfig } from './test-client.js';
export { installLoopbackGuard, type LoopbackGuard } from './loopback-guard.js';
export { WaitTimeoutError, withDeadline, pollUntil } from './deadline.js';
