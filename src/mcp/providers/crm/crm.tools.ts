// The CRM tools: the store's services and appointments, a contact's profile, the inbox and the
// dashboard's summary, for an agent working for the store (not for one customer, as the bot's
// tools do). Each acts through the same domain services as the HTTP routes, on the store the
// connection's token names: the store id is never an argument, so no call reaches another
// store's rows (an id of one is NOT_FOUND, as on the routes). A refusal is a thrown AppError,
// whose message the agent reads.
import type { TAppointment, TService } from '../../../booking/index.js';
import type { ContactsService } from '../../../contacts/index.js';
import { ZCursor, type TCursor } from '../../../http/pagination.js';
import { AppError, ErrorCode } from '../../../kernel/index.js';
import { defineTool, type McpTool, type ToolHints } from '../../provider.js';
import type { McpServices } from '../../services.js';
import * as S from './crm.schemas.js';

export type CrmServices = Pick<McpServices, 'booking' | 'contacts' | 'messages' | 'summary'>;

type ContactView = Awaited<ReturnType<ContactsService['list']>>['data'][number];

const READ: ToolHints = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** A cursor a list answered, back as the service takes it; anything else is the caller's mistake. */
function pageCursor(cursor: string | undefined): TCursor | undefined {
  if (cursor === undefined) return undefined;
  const parsed = ZCursor.safeParse(cursor);
  if (parsed.success) return parsed.data;
  const message = 'is not a cursor this tool gave out; leave it out to start from the first page';
  throw new AppError(ErrorCode.VALIDATION_FAILED, `cursor ${message}`, [{ path: 'cursor', code: 'custom', message }]);
}

/** A price in minor units as the store's customers read it ("R$ 45,00"), as the bot shows it. */
function priceView(cents: number | null, currency: string): S.TCrmPrice {
  if (cents === null) return null;
  const format = new Intl.NumberFormat('pt-BR', { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return { cents, currency, formatted: format.format(cents / 10 ** digits).replace(/[\u00a0\u202f]/g, ' ') };
}

const serviceView = (s: TService) => ({ id: s.id, name: s.name, description: s.description, durationMinutes: s.durationMinutes, price: priceView(s.priceCents, s.currency), active: s.active });

const contactRef = (c: Pick<ContactView, 'id' | 'name' | 'pushName' | 'phone'>): S.TContactRef => ({ id: c.id, name: c.name ?? c.pushName, phone: c.phone });

export function crmTools(storeId: string, services: CrmServices): McpTool[] {
  const { booking, contacts, messages, summary } = services;

  /** The contact with this number (any format, read in the store's country) or WhatsApp address. */
  async function contactByPhone(phone: string): Promise<ContactView> {
    const found = await contacts.findByAddress(storeId, phone);
    if (!found) throw new AppError(ErrorCode.NOT_FOUND, `No contact of this store has the phone ${phone}`);
    return found;
  }

  const findContact = (who: { contactId?: string; phone?: string }): Promise<ContactView> =>
    who.contactId !== undefined ? contacts.get(storeId, who.contactId) : contactByPhone(who.phone!);

  /** Appointments with their contact and service (one read per distinct contact and service). */
  async function appointmentViews(rows: TAppointment[]): Promise<S.TCrmAppointment[]> {
    const contactIds = [...new Set(rows.map((a) => a.contactId))];
    const serviceIds = [...new Set(rows.flatMap((a) => (a.serviceId ? [a.serviceId] : [])))];
    const [people, offered] = await Promise.all([
      Promise.all(contactIds.map((id) => contacts.get(storeId, id).catch((err: unknown) => (err instanceof AppError && err.code === ErrorCode.NOT_FOUND ? null : Promise.reject(err))))),
      Promise.all(serviceIds.map((id) => booking.services.find(storeId, id))),
    ]);
    const contactById = new Map(contactIds.map((id, i) => [id, people[i] ? contactRef(people[i]) : { id, name: null, phone: null }]));
    const serviceById = new Map(serviceIds.map((id, i) => [id, offered[i]]));
    return rows.map((a) => {
      const service = a.serviceId ? serviceById.get(a.serviceId) : null;
      const { contactId, serviceId, ...rest } = a;
      return { ...rest, contact: contactById.get(contactId)!, service: service ? { id: service.id, name: service.name } : serviceId ? { id: serviceId, name: '(unknown service)' } : null };
    });
  }

  async function oneAppointment(row: TAppointment) {
    const [appointment] = await appointmentViews([row]);
    return { appointment: appointment! };
  }

  const instant = (v: string | undefined) => (v === undefined ? undefined : new Date(v));

  return [
    defineTool({
      name: 'list_services',
      title: 'List services',
      description:
        "Lists the services the store offers: id, name, description, duration in minutes and price. Only bookable (active) ones unless includeInactive is true. Call it to find the serviceId create_appointment and update_appointment take.",
      input: S.ZListServicesInput,
      output: S.ZListServicesOutput,
      hints: READ,
      async run(a) {
        const page = await booking.services.list(storeId, { active: a.includeInactive ? undefined : true, limit: a.limit, cursor: pageCursor(a.cursor) });
        return { services: page.data.map(serviceView), nextCursor: page.nextCursor };
      },
    }),

    defineTool({
      name: 'list_appointments',
      title: 'List appointments',
      description:
        "Lists the store's appointments by start, earliest first, with the contact (name, phone) and the service. Filter by a day in the store's time zone (day) or a window (from/to), a status, a contact. Without day, from or to it lists the upcoming ones, starting from now. Pages: pass nextCursor back as cursor.",
      input: S.ZListAppointmentsInput,
      output: S.ZListAppointmentsOutput,
      hints: READ,
      async run(a) {
        if (a.contactId) await contacts.get(storeId, a.contactId);
        const upcoming = a.day === undefined && a.from === undefined && a.to === undefined;
        const page = await booking.appointments.list(storeId, {
          day: a.day,
          from: upcoming ? new Date() : instant(a.from),
          to: instant(a.to),
          status: a.status,
          contactId: a.contactId,
          limit: a.limit,
          cursor: pageCursor(a.cursor),
        });
        return { appointments: await appointmentViews(page.data), nextCursor: page.nextCursor };
      },
    }),

    defineTool({
      name: 'create_appointment',
      title: 'Book an appointment',
      description:
        "Books an appointment for a contact (by contactId, or by phone for a contact the store has) and, usually, a service (serviceId from list_services; its duration sets the end unless endsAt is given). Refused, naming the appointment in the way, when the time overlaps another that holds its time (unless the store allows overlaps). It does not check working hours: check them with the store first. Each call books a new appointment.",
      input: S.ZCreateAppointmentInput,
      output: S.ZCreateAppointmentOutput,
      hints: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      async run(a) {
        const contact = await findContact(a);
        const booked = await booking.appointments.create(storeId, {
          contactId: contact.id,
          serviceId: a.serviceId ?? null,
          startsAt: new Date(a.startsAt),
          endsAt: instant(a.endsAt),
          notes: a.notes ?? null,
        });
        return oneAppointment(booked);
      },
    }),

    defineTool({
      name: 'update_appointment',
      title: 'Change or cancel an appointment',
      description:
        "Changes an appointment: move it (startsAt, endsAt; moving the start alone keeps its length), change its service, set its status (confirmed, done, no_show, or cancelled, which frees its time) or replace its notes. A new time, or bringing a cancelled one back, is checked for overlaps again. Only what is given changes; the same call twice leaves the same appointment.",
      input: S.ZUpdateAppointmentInput,
      output: S.ZUpdateAppointmentOutput,
      hints: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      async run(a) {
        const changed = await booking.appointments.update(storeId, a.id, {
          startsAt: instant(a.startsAt),
          endsAt: instant(a.endsAt),
          serviceId: a.serviceId,
          status: a.status,
          notes: a.notes,
        });
        return oneAppointment(changed);
      },
    }),

    defineTool({
      name: 'get_contact_profile',
      title: "Get a contact's profile",
      description:
        "Everything the store knows of one contact (by contactId, or by phone): name, phone, email, tags and notes; the latest AI summary of them (with no-show risk, preferences, objections, sentiment) or null; their last 10 messages; their 10 most recent conversations; their next 10 appointments.",
      input: S.ZGetContactProfileInput,
      output: S.ZGetContactProfileOutput,
      hints: READ,
      async run(a) {
        const id = a.contactId ?? (await contactByPhone(a.phone!)).id;
        const p = await contacts.profile(storeId, id);
        const c = p.contact;
        return {
          contact: { id: c.id, name: c.name, pushName: c.pushName, phone: c.phone, email: c.email, notes: c.notes, tags: c.tags, optOut: c.optOut, createdAt: c.createdAt },
          snapshot: p.snapshot && { summary: p.snapshot.summary, flags: p.snapshot.flags, reason: p.snapshot.reason, conversationId: p.snapshot.conversationId, createdAt: p.snapshot.createdAt },
          recentMessages: p.messages.map((m) => ({ id: m.id, conversationId: m.conversationId, channel: m.channel, direction: m.direction, type: m.type, text: m.text, sentAt: m.sentAt })),
          conversations: p.conversations.map((v) => ({ id: v.id, channel: v.channel, status: v.status, unread: v.unread, startedAt: v.startedAt, lastMessageAt: v.lastMessageAt })),
          upcomingAppointments: p.appointments,
        };
      },
    }),

    defineTool({
      name: 'inbox_summary',
      title: 'Inbox summary',
      description:
        "The store's inbox: how many conversations are open and how many messages are unread, and the open conversations, most recent first, each with its contact, unread count, last message and whether the customer is waiting for a reply (the last message is theirs). Filter to unread ones or one channel; pages with cursor.",
      input: S.ZInboxSummaryInput,
      output: S.ZInboxSummaryOutput,
      hints: READ,
      async run(a) {
        const [page, counts] = await Promise.all([
          messages.inbox(storeId, { unread: a.unreadOnly || undefined, channel: a.channel, limit: a.limit, cursor: pageCursor(a.cursor) }),
          summary.summary(storeId),
        ]);
        return {
          openConversationsCount: counts.openConversationsCount,
          unreadInboundCount: counts.unreadInboundCount,
          conversations: page.data.map((c) => ({
            conversationId: c.conversationId,
            channel: c.channel,
            contact: contactRef(c.contact),
            unread: c.unread,
            lastMessageAt: c.lastMessageAt,
            lastMessage: c.lastMessage && { direction: c.lastMessage.direction, type: c.lastMessage.type, text: c.lastMessage.text },
            awaitingReply: c.lastMessage?.direction === 'inbound',
          })),
          nextCursor: page.nextCursor,
        };
      },
    }),

    defineTool({
      name: 'store_summary',
      title: 'Store summary',
      description:
        "The dashboard's home for today (the store's day in its time zone): appointments starting today (cancelled and no-shows left out), open conversations, unread messages, messages in and out today, and the bot's replies today.",
      input: S.ZStoreSummaryInput,
      output: S.ZStoreSummaryOutput,
      hints: READ,
      run: () => summary.summary(storeId),
    }),
  ];
}
