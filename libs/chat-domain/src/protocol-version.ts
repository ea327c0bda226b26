import type { ChatEvent, UserType } from './types';

/**
 * Protocol negotiation by `ClientVersion`: a reader is never sent an event or attribute its version does not
 * know. 102 added nickname updates, 103 idle control and the SYSTEM user type, 104 system commands and
 * user data on notices, 105 the `monitored` indication, 106 event attributes on every event.
 */
export function eventForVersion(event: ChatEvent, actorType: UserType, clientVersion: number): ChatEvent | undefined {
  if (event.kind === 'notice') {
    if (event.noticeType === 'USER_UPDATE_NICK' && clientVersion < 102) return undefined;
    if (event.noticeType.startsWith('IDLE_CONTROL_') && clientVersion < 103) return undefined;
    if (event.noticeType === 'SYS_COMMAND' && clientVersion < 104) return undefined;
  }
  if (actorType === 'SYSTEM' && clientVersion < 103) return undefined;
  const stripUserData = event.kind === 'notice' && event.userData !== undefined && clientVersion < 104;
  const stripAttributes = event.eventAttributes !== undefined && clientVersion < 106;
  if (!stripUserData && !stripAttributes) return event;
  const copy = { ...event };
  if (stripUserData) delete copy.userData;
  if (stripAttributes) delete copy.eventAttributes;
  return copy;
}

export function supportsMonitoredFlag(clientVersion: number): boolean {
  return clientVersion >= 105;
}

export function supportsIdleTimeExpire(clientVersion: number): boolean {
  return clientVersion >= 103;
}
