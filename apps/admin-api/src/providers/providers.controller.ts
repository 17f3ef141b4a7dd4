import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { AdminOnly } from '../auth/access/access-rule';
import { type Actor } from '../auth/authenticated-user';
import { CurrentActor } from '../auth/current-user.decorator';
import {
  CreateProviderDto,
  ListProvidersQueryDto,
  ProviderDto,
  ProviderListDto,
  UpdateProviderDto,
} from './dto/provider.dto';
import { ProvidersService } from './providers.service';

@ApiTags('providers')
@Controller('admin/providers')
@AdminOnly()
export class ProvidersController {
  constructor(private readonly providers: ProvidersService) {}

  @Get()
  @ZodResponse({ status: 200, type: ProviderListDto })
  list(@Query() query: ListProvidersQueryDto) {
    return this.providers.list(query);
  }

  @Post()
  @ZodResponse({ status: 201, type: ProviderDto })
  create(@Body() body: CreateProviderDto, @CurrentActor() actor: Actor) {
    return this.providers.create(actor, body);
  }

  @Get(':providerId')
  @ZodResponse({ status: 200, type: ProviderDto })
  get(@Param('providerId') providerId: string) {
    return this.providers.get(providerId);
  }

  @Patch(':providerId')
  @ZodResponse({ status: 200, type: ProviderDto })
  update(@Param('providerId') providerId: string, @Body() body: UpdateProviderDto, @CurrentActor() actor: Actor) {
    return this.providers.update(actor, providerId, body);
  }
}
