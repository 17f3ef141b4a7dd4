import { type SessionUser } from '@gatehouse/db';

/** The signed-in caller, as the access guard puts it on the request. */
export type AuthenticatedUser = SessionUser;

/** Who did it and from where: what the audit trail records of the caller. */
export interface Actor {
  userId: string | null;
  ip: string | null;
}
