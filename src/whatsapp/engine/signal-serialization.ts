// Decrypts wait for our own sends' Signal writes. Baileys (7.0.0-rc14) sends a message inside a
// key-store transaction keyed by our own id and commits the session it advanced only after the
// stanza has left; a decrypt runs in a transaction keyed by the sender. A customer's message that
// arrives in between (a quick reply to the bot, a second message typed while the bot answers) is
// decrypted from the session as it was before the send, and the two writes race: whichever lands
// last wins, and the customer can no longer decrypt our next message ("Over 2000 messages into the
// future"). Baileys' in-memory stores hide it (their writes land at once); a database does not.
//
// The fix uses Baileys' own lock: every decrypt runs inside a transaction keyed by our own id, the
// key the send holds, so it starts after the send has committed. Baileys' inner transaction (keyed
// by the sender) then joins ours. A slot's sends and decrypts run one after another, as a phone's do.
import { DEFAULT_CONNECTION_CONFIG, type SocketConfig } from '@whiskeysockets/baileys';

type MakeSignalRepository = SocketConfig['makeSignalRepository'];

export function serializedSignalRepository(make: MakeSignalRepository = DEFAULT_CONNECTION_CONFIG.makeSignalRepository): MakeSignalRepository {
  return (auth, logger, pnToLID) => {
    const repository = make(auth, logger, pnToLID);
    // The socket hands the repository its transaction-capable key store and the live creds.
    const { keys } = auth;
    const underOwnId = <T>(work: () => Promise<T>): Promise<T> => {
      const me = (auth.creds as { me?: { id?: string } }).me?.id;
      return me && 'transaction' in keys ? keys.transaction(work, me) : work();
    };
    const { decryptMessage, decryptGroupMessage } = repository;
    repository.decryptMessage = (args) => underOwnId(() => decryptMessage.call(repository, args));
    repository.decryptGroupMessage = (args) => underOwnId(() => decryptGroupMessage.call(repository, args));
    return repository;
  };
}
