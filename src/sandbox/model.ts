/**
 * Records the sandbox keeps in memory. Field names follow the GHL REST shapes (docs/ghl-platform.md §5-§7) so routes can
 * return them with little mapping; anything the sandbox needs only for itself stays out of these types.
 */

export type DndStatus = 'active' | 'inactive' | 'permanent';
export type DndChannel = 'SMS' | 'Email' | 'Call' | 'WhatsApp' | 'GMB' | 'FB';
export type DndSettings = Partial<Record<DndChannel, { status: DndStatus; message?: string; code?: string }>>;

export interface Location {
  id: string;
  companyId: string;
  name: string;
  timezone: string;
  email: string;
  phone: string;
  address: string;
  city: string;
  state: string;
  country: string;
  postalCode: string;
  website: string;
}

export interface User {
  id: string;
  locationId: string;
  firstName: string;
  lastName: string;
  name: string;
  email: string;
  phone: string;
  /** 'admin' for the manager, 'user' for reps: what the SSO payload and `roles.role` carry. */
  role: 'admin' | 'user';
  /** A removed user: GHL still answers for the id, with `deleted: true`. */
  deleted?: boolean;
}

/** An agency (company-level) user: `roles.type` `agency`, sub-accounts in `locationIds` when restricted. */
export interface AgencyUser extends Omit<User, 'locationId'> {
  companyId: string;
  locationIds: string[];
  restrictSubAccount: boolean;
}

export interface PhoneNumber {
  locationId: string;
  phoneNumber: string;
  friendlyName: string;
  isDefaultNumber: boolean;
  /** In a number pool (dynamic call tracking): listed only with skipNumberPool=false, and not a sender. */
  inNumberPool?: boolean;
}

export interface Calendar {
  id: string;
  locationId: string;
  name: string;
  isActive: boolean;
  slug: string;
  widgetSlug: string;
}

export interface Contact {
  id: string;
  locationId: string;
  firstName: string | null;
  lastName: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  state: string | null;
  city: string | null;
  tags: string[];
  dnd: boolean;
  dndSettings: DndSettings;
  source: string | null;
  assignedTo: string | null;
  dateAdded: string;
  dateUpdated: string;
}

export interface Task {
  id: string;
  locationId: string;
  contactId: string;
  title: string;
  body: string | null;
  assignedTo: string | null;
  dueDate: string;
  completed: boolean;
  dateAdded: string;
}

/** REST `messageType` values; webhook events use the short forms (`CALL`, `SMS`, `Email`). */
export type MessageType = 'TYPE_CALL' | 'TYPE_SMS' | 'TYPE_EMAIL';

export interface Message {
  id: string;
  /** GHL's numeric type: 1 call, 2 SMS, 3 email. */
  type: 1 | 2 | 3;
  messageType: MessageType;
  locationId: string;
  contactId: string;
  conversationId: string;
  dateAdded: string;
  direction: 'inbound' | 'outbound';
  status: string;
  body: string;
  contentType: string;
  attachments: string[];
  /** GHL documents only `messageIds` in `meta.email` (apps/conversations.json MessageMeta): no subject. */
  meta: { call?: { status: string; duration: number }; email?: { messageIds: string[] } };
  /** The email's subject: in the webhook events (OutboundMessage.md), never in the REST message. */
  subject?: string;
  source?: 'api' | 'app' | 'workflow';
  userId?: string;
  from?: string;
  to?: string;
}

export interface Conversation {
  id: string;
  locationId: string;
  contactId: string;
  type: 'TYPE_PHONE';
  fullName: string | null;
  contactName: string | null;
  email: string | null;
  phone: string | null;
  lastMessageBody: string;
  lastMessageType: MessageType | null;
  lastMessageDirection: 'inbound' | 'outbound' | null;
  lastMessageDate: number;
  unreadCount: number;
  dateAdded: number;
  dateUpdated: number;
}

export interface Appointment {
  id: string;
  locationId: string;
  calendarId: string;
  contactId: string;
  title: string;
  appointmentStatus: 'confirmed' | 'cancelled' | 'showed' | 'noshow';
  assignedUserId: string | null;
  startTime: string;
  endTime: string;
  dateAdded: string;
}
