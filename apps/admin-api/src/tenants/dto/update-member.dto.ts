import { memberListQuerySchema, memberListSchema, memberSchema, updateMemberRequestSchema } from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class UpdateMemberDto extends createZodDto(updateMemberRequestSchema) {}

export class MemberDto extends createZodDto(memberSchema) {}

export class ListMembersQueryDto extends createZodDto(memberListQuerySchema) {}

export class MemberListDto extends createZodDto(memberListSchema) {}
