import {
  acceptedInvitationSchema,
  acceptInvitationRequestSchema,
  createdInvitationSchema,
  createInvitationRequestSchema,
  invitationListQuerySchema,
  invitationListSchema,
} from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class CreateInvitationDto extends createZodDto(createInvitationRequestSchema) {}

export class CreatedInvitationDto extends createZodDto(createdInvitationSchema) {}

export class ListInvitationsQueryDto extends createZodDto(invitationListQuerySchema) {}

export class InvitationListDto extends createZodDto(invitationListSchema) {}

export class AcceptInvitationDto extends createZodDto(acceptInvitationRequestSchema) {}

export class AcceptedInvitationDto extends createZodDto(acceptedInvitationSchema) {}
