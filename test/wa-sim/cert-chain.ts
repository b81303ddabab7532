import { Curve, proto, WA_CERT_DETAILS, type KeyPair } from '@whiskeysockets/baileys';

/**
 * The simulator's own two-level chain: root → intermediate → leaf (the server's static Noise key).
 * Baileys checks both signatures against `WA_CERT_DETAILS.PUBLIC_KEY`, so the process running the
 * client must trust our root instead of WhatsApp's (see trustSimulatorRoot).
 */
export interface CertificateChain {
  root: KeyPair;
  /** the server's static Noise key pair, certified by the leaf */
  serverStatic: KeyPair;
  /** `proto.CertChain` bytes sent (encrypted) in the server hello */
  encoded: Uint8Array;
}

const TEN_YEARS_S = 10 * 365 * 24 * 3600;

function certificate(
  details: proto.CertChain.NoiseCertificate.IDetails,
  signer: KeyPair,
): proto.CertChain.INoiseCertificate {
  const encodedDetails = proto.CertChain.NoiseCertificate.Details.encode(details).finish();
  return { details: encodedDetails, signature: Curve.sign(signer.private, encodedDetails) };
}

export function makeCertificateChain(root: KeyPair = Curve.generateKeyPair()): CertificateChain {
  const intermediate = Curve.generateKeyPair();
  const serverStatic = Curve.generateKeyPair();
  const now = Math.floor(Date.now() / 1000);
  const validity = { notBefore: now - 3600, notAfter: now + TEN_YEARS_S };
  const intermediateSerial = 1;
  const encoded = proto.CertChain.encode({
    // the client requires issuerSerial === WA_CERT_DETAILS.SERIAL (0) for the intermediate
    intermediate: certificate(
      { serial: intermediateSerial, issuerSerial: WA_CERT_DETAILS.SERIAL, key: intermediate.public, ...validity },
      root,
    ),
    leaf: certificate(
      { serial: 2, issuerSerial: intermediateSerial, key: serverStatic.public, ...validity },
      intermediate,
    ),
  }).finish();
  return { root, serverStatic, encoded };
}

/**
 * Makes Baileys (the module instance this process imported) accept the simulator's chain.
 * Returns a function that restores the previous root. Test-only: never call it in production code.
 */
export function trustSimulatorRoot(rootPublicKey: Uint8Array | string): () => void {
  const previous = WA_CERT_DETAILS.PUBLIC_KEY;
  WA_CERT_DETAILS.PUBLIC_KEY =
    typeof rootPublicKey === 'string' ? Buffer.from(rootPublicKey, 'base64') : Buffer.from(rootPublicKey);
  return () => {
    WA_CERT_DETAILS.PUBLIC_KEY = previous;
  };
}
