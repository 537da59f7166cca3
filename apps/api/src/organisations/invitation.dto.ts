import { ApiProperty } from '@nestjs/swagger';
import type { Response } from 'express';
import { IssuedInvitation } from '@scf/identity';
import { storeForReplayWithoutSecret } from '../security/secret-responses';

export class InvitationDto {
  @ApiProperty({ format: 'uuid', description: 'revoke it with DELETE /v1/invitations/{invitationId} until it is accepted' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'the invited user: INVITED until they accept' }) userId: string;
  @ApiProperty({ example: 'finance@supplier.demo' }) email: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'q3Zt…43 characters',
    description:
      'single-use, valid 72 hours: pass it to the invitee, who sets their own password with POST /v1/auth/invitations/accept. ' +
      'Shown this once: null when an Idempotency-Key retry replays the answer',
  })
  token: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) expiresAt: string;
}

/**
 * The answer `body` with the invitation in full, for this response only: a replay (Idempotency-Key)
 * gets the same answer with `invitation.token` null.
 */
export function withInvitation<T extends object>(response: Response, body: T, issued: IssuedInvitation): T & { invitation: InvitationDto } {
  const invitation = { id: issued.id, userId: issued.userId, email: issued.email, expiresAt: issued.expiresAt.toISOString() };
  storeForReplayWithoutSecret(response, { ...body, invitation: { ...invitation, token: null } });
  response.setHeader('Cache-Control', 'no-store');
  return { ...body, invitation: { ...invitation, token: issued.token } };
}
