import { Controller, Get, Param } from '@nestjs/common';
import { type KeySnapshot } from '@gatehouse/contracts';
import { CurrentKey } from '../auth/authenticated-request';
import { ModelsService, type OpenAiModel, type OpenAiModelList } from './models.service';

/** OpenAI's models endpoints, limited to what the calling key may use. Guarded by the global API key guard. */
@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  list(@CurrentKey() key: KeySnapshot): Promise<OpenAiModelList> {
    return this.models.list(key);
  }

  @Get(':id')
  get(@CurrentKey() key: KeySnapshot, @Param('id') id: string): Promise<OpenAiModel> {
    return this.models.get(key, id);
  }
}
