// What each slot command does, on the process that owns the slot (runCommand) or, when no
// process runs it, on whichever process took its lock to act on it (runCommandUnowned).
import type { SlotRef } from '../../events/domain-events.js';
import type { CommandOutcome, SlotCommand } from './slot-commands.js';
import type { SessionEngine } from './session-engine.js';
import type { SlotSupervisor } from './slot-supervisor.js';

const WAIT_MS = 15_000;

async function pairingCode(supervisor: SlotSupervisor, phone: string): Promise<CommandOutcome> {
  // The code can only be asked for on a live connection that is waiting to be linked.
  const status = await supervisor.whenStatus((s) => s !== 'connecting' && s !== 'reconnecting', WAIT_MS);
  if (status !== 'qrcode') return { ok: false, error: `a pairing code needs an unlinked slot waiting for a QR; it is ${status}` };
  return { ok: true, result: { code: await supervisor.requestPairingCode(phone), status } };
}

export async function runCommand(supervisor: SlotSupervisor, command: SlotCommand, engine: SessionEngine): Promise<CommandOutcome> {
  switch (command.command) {
    case 'stop':
      await supervisor.stop('stopped');
      await engine.release(supervisor.ref);
      return { ok: true, result: { status: 'stopped' } };
    case 'restart':
      supervisor.restart('restart requested');
      return { ok: true, result: { status: await supervisor.whenSettled(WAIT_MS) } };
    case 'logout':
      await supervisor.logout(WAIT_MS);
      return { ok: true, result: { status: supervisor.status } };
    case 'pairing-code':
      return pairingCode(supervisor, command.phone);
  }
}

/** The caller holds the slot's lock and nothing runs the slot. */
export async function runCommandUnowned(ref: SlotRef, command: SlotCommand, engine: SessionEngine): Promise<CommandOutcome> {
  switch (command.command) {
    case 'stop':
      await engine.reportStatus(ref, 'stopped', null);
      await engine.release(ref);
      return { ok: true, result: { status: 'stopped' } };
    case 'logout': {
      // No socket to tell the phone with: the link is dropped here; the phone shows the device
      // until it next checks its linked devices.
      const auth = await engine.loadAuth(ref);
      await auth.wipe();
      await engine.reportStatus(ref, 'logged_out', 'logged out');
      await engine.release(ref);
      return { ok: true, result: { status: 'logged_out' } };
    }
    case 'restart':
    case 'pairing-code': {
      // The lock is ours already, so starting runs the slot here.
      await engine.startSlot(ref);
      const supervisor = engine.supervisor(ref);
      if (!supervisor) return { ok: false, error: 'the slot could not be started' };
      if (command.command === 'pairing-code') return pairingCode(supervisor, command.phone);
      return { ok: true, result: { status: await supervisor.whenSettled(WAIT_MS) } };
    }
  }
}
