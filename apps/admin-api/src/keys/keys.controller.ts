import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseFilters } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { asTenantId } from '@gatehouse/contracts';
import { ZodResponse } from 'nestjs-zod';
import { TenantAccess } from '../auth/access/access-rule';
import { type Actor } from '../auth/authenticated-user';
import { CurrentActor } from '../auth/current-user.decorator';
import { RetryAfterFilter } from '../auth/throttle/retry-after.filter';
import { CreateApiKeyDto, CreatedApiKeyDto } from './dto/create-api-key.dto';
import { ApiKeyListDto, ListApiKeysQueryDto } from './dto/list-api-keys.dto';
import { RotateApiKeyDto, RotatedApiKeyDto } from './dto/rotate-api-key.dto';
import { ApiKeyDto, UpdateApiKeyDto } from './dto/update-api-key.dto';
import { KeysService } from './keys.service';

// The access guard has checked the caller's membership of :tenantId before any handler runs, which is what
// makes asTenantId() legitimate here.
@ApiTags('keys')
@Controller('tenants/:tenantId/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Get()
  @TenantAccess('VIEWER')
  @ZodResponse({ status: 200, type: ApiKeyListDto })
  list(@Param('tenantId') tenantId: string, @Query() query: ListApiKeysQueryDto) {
    return this.keys.list(asTenantId(tenantId), query);
  }

  @Post()
  @TenantAccess('MEMBER')
  @UseFilters(RetryAfterFilter)
  @ZodResponse({ status: 201, type: CreatedApiKeyDto })
  create(@Param('tenantId') tenantId: string, @Body() body: CreateApiKeyDto, @CurrentActor() actor: Actor) {
    return this.keys.create(asTenantId(tenantId), actor, body);
  }

  @Patch(':keyId')
  @TenantAccess('MEMBER')
  @ZodResponse({ status: 200, type: ApiKeyDto })
  update(
    @Param('tenantId') tenantId: string,
    @Param('keyId') keyId: string,
    @Body() body: UpdateApiKeyDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.keys.update(asTenantId(tenantId), actor, keyId, body);
  }

  @Post(':keyId/rotate')
  @TenantAccess('MEMBER')
  @ZodResponse({ status: 200, type: RotatedApiKeyDto })
  rotate(
    @Param('tenantId') tenantId: string,
    @Param('keyId') keyId: string,
    @Body() body: RotateApiKeyDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.keys.rotate(asTenantId(tenantId), actor, keyId, body);
  }

  @Delete(':keyId')
  @TenantAccess('MEMBER')
  @HttpCode(204)
  async revoke(
    @Param('tenantId') tenantId: string,
    @Param('keyId') keyId: string,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.keys.revoke(asTenantId(tenantId), actor, keyId);
  }
}
