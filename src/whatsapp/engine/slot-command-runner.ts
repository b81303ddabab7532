// What each slot command does, once the engine has decided where it runs: on the supervisor of a
// slot this process runs (runOwned), or — when no process runs the slot and this one holds its
// lock — without a socket (runUnowned). The engine calls these inside the slot's exclusive
// section, so nothing else changes who owns the slot meanwhile.
import { PARKED_STATUSES, type SlotRef, type TSlotStatus } from '../../kernel/index.js';
import type { PostgresAuthState } from './auth/index.js';
import type { CommandOutcome, SlotCommand } from './slot-commands.repo.js';
import type { SlotSupervisor } from './slot-supervisor.js';

/** What the runner needs from the engine (the engine implements it; the runner never imports it). */
export interface CommandHost {
  /** How long a command may wait for the slot to settle (the caller's bound too). */
  readonly commandTimeoutMs: number;
  /** How long a start waits for its first QR or the open socket. */
  readonly startWaitMs: number;
  /** Opens a supervisor for a slot whose lock this process holds. */
  runHere(ref: SlotRef): Promise<SlotSupervisor>;
  /** Stops the slot's supervisor (if any), marks it stopped and gives its lock back. */
  releaseSlot(ref: SlotRef): Promise<void>;
  /** Records a status decided without a socket. */
  reportStatus(ref: SlotRef, status: TSlotStatus, lastError: string | null): Promise<void>;
  /** Resolves when the slot's status writes so far are in the database. */
  settleWrites(ref: SlotRef): Promise<void>;
  loadAuth(ref: SlotRef): Promise<PostgresAuthState>;
}

/** A status a caller can act on: a QR to show, connected, or stopped for a reason. */
export function isSettledStatus(status: TSlotStatus): boolean {
  return status === 'qrcode' || status === 'connected' || (PARKED_STATUSES.has(status) && status !== 'disconnected');
}

async function settled(host: CommandHost, supervisor: SlotSupervisor, outcome: 'started' | 'already-running'): Promise<CommandOutcome> {
  const status = await supervisor.whenStatus(isSettledStatus, host.startWaitMs);
  await host.settleWrites(supervisor.ref);
  return { ok: true, result: { status, outcome } };
}

async function pairingCode(host: CommandHost, supervisor: SlotSupervisor, phone: string): Promise<CommandOutcome> {
  // The code can only be asked for on a live connection that is waiting to be linked.
  const status = await supervisor.whenStatus((s) => s !== 'connecting' && s !== 'reconnecting', host.commandTimeoutMs);
  if (status !== 'qrcode') return { ok: false, error: `a pairing code needs an unlinked slot waiting for a QR; it is ${status}` };
  return { ok: true, result: { code: await supervisor.requestPairingCode(phone), status } };
}

export async function runOwned(host: CommandHost, supervisor: SlotSupervisor, command: SlotCommand): Promise<CommandOutcome> {
  switch (command.command) {
    case 'start':
      return settled(host, supervisor, 'already-running');
    case 'stop':
      await host.releaseSlot(supervisor.ref);
      return { ok: true, result: { status: 'stopped' } };
    case 'restart': {
      supervisor.restart('restart requested');
      const status = await supervisor.whenSettled(host.commandTimeoutMs);
      // As for a start: a status read right after the answer is at least this fresh.
      await host.settleWrites(supervisor.ref);
      return { ok: true, result: { status } };
    }
    case 'logout':
      // Parks as logged_out; the engine releases the slot once this command is done.
      await supervisor.logout(host.commandTimeoutMs);
      await host.settleWrites(supervisor.ref);
      return { ok: true, result: { status: supervisor.status } };
    case 'pairing-code':
      return pairingCode(host, supervisor, command.phone);
    case 'check-numbers':
      if (supervisor.status !== 'connected') return { ok: false, error: `slot ${supervisor.ref.slot} is ${supervisor.status}, not connected` };
      return { ok: true, result: { numbers: await supervisor.onWhatsApp(command.jids) } };
    case 'read-receipts':
      if (supervisor.status !== 'connected') return { ok: false, error: `slot ${supervisor.ref.slot} is ${supervisor.status}, not connected` };
      await supervisor.readMessages(command.keys);
      return { ok: true, result: { sent: command.keys.length } };
    case 'presence':
      if (supervisor.status !== 'connected') return { ok: false, error: `slot ${supervisor.ref.slot} is ${supervisor.status}, not connected` };
      await supervisor.presence(command.jid, command.state);
      return { ok: true, result: { state: command.state } };
  }
}

/** The caller holds the slot's lock and nothing runs the slot. */
export async function runUnowned(host: CommandHost, ref: SlotRef, command: SlotCommand): Promise<CommandOutcome> {
  switch (command.command) {
    case 'stop':
      await host.reportStatus(ref, 'stopped', null);
      await host.releaseSlot(ref);
      return { ok: true, result: { status: 'stopped' } };
    case 'logout': {
      // No socket to tell the phone with: the link is dropped here; the phone shows the device
      // until it next checks its linked devices.
      const auth = await host.loadAuth(ref);
      await auth.wipe();
      await host.reportStatus(ref, 'logged_out', 'logged out');
      await host.releaseSlot(ref);
      return { ok: true, result: { status: 'logged_out' } };
    }
    case 'start':
      return settled(host, await host.runHere(ref), 'started');
    case 'restart': {
      const supervisor = await host.runHere(ref);
      return { ok: true, result: { status: await supervisor.whenSettled(host.commandTimeoutMs) } };
    }
    case 'pairing-code':
      return pairingCode(host, await host.runHere(ref), command.phone);
    case 'check-numbers':
    case 'read-receipts':
    case 'presence':
      // None is a reason to open a socket: nobody runs the slot, so it is not connected.
      return { ok: false, error: `slot ${ref.slot} is not connected` };
  }
}
