import { Module } from '@nestjs/common';
import { CallLogRepository, type DbClient, PRISMA_READ_CLIENT } from '@gatehouse/db';
import { AdminCallLogController } from './admin-call-log.controller';
import { CallLogController } from './call-log.controller';
import { CallLogService } from './call-log.service';

/** The call log, read from the usage events on the read client (a replica when DATABASE_READ_URL is set). */
@Module({
  controllers: [CallLogController, AdminCallLogController],
  providers: [
    {
      provide: CallLogRepository,
      useFactory: (db: DbClient) => new CallLogRepository(db),
      inject: [PRISMA_READ_CLIENT],
    },
    CallLogService,
  ],
})
export class CallLogModule {}
