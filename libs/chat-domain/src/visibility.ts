import type { ChatEvent, Participant, UserType, Visibility } from './types';

/** Which visibility levels each user type may use for itself and for what it sends. */
const ALLOWED: Record<UserType, readonly Visibility[]> = {
  CLIENT: ['ALL'],
  AGENT: ['ALL', 'INT'],
  SUPERVISOR: ['ALL', 'INT', 'VIP'],
  EXTERNAL: ['ALL', 'INT', 'VIP'],
  SYSTEM: ['ALL', 'INT', 'VIP'],
};

/** Which visibility levels a reader of each user type may see. */
const READABLE: Record<UserType, readonly Visibility[]> = {
  CLIENT: ['ALL'],
  AGENT: ['ALL', 'INT'],
  SUPERVISOR: ['ALL', 'INT', 'VIP'],
  EXTERNAL: ['ALL', 'INT', 'VIP'],
  SYSTEM: ['ALL', 'INT', 'VIP'],
};

export function mayUseVisibility(userType: UserType, visibility: Visibility): boolean {
  return ALLOWED[userType].includes(visibility);
}

export function mayRead(userType: UserType, visibility: Visibility): boolean {
  return READABLE[userType].includes(visibility);
}

export function allowedVisibilities(userType: UserType): readonly Visibility[] {
  return ALLOWED[userType];
}

/**
 * Whether `viewer` may see `event`: its visibility level must be readable by the viewer's type, a direct
 * message or notice is seen only by its sender and receiver, and a party that left sees nothing after
 * its own departure. Annihilated events are seen by nobody.
 */
export function isVisibleTo(event: ChatEvent, viewer: Participant): boolean {
  if (event.annihilated) return false;
  if (viewer.leftPosition !== undefined && event.position > viewer.leftPosition) return false;
  if (event.receiverId !== undefined) return event.userId === viewer.userId || event.receiverId === viewer.userId;
  return mayRead(viewer.userType, event.visibility);
}
