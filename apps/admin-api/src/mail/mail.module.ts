import { Global, Module } from '@nestjs/common';
import { type AdminApiConfig } from '@gatehouse/config';
import { ADMIN_API_CONFIG } from '../admin-api.constants';
import { LogMailer } from './log-mailer';
import { Mailer } from './mailer';

/** Provides the `Mailer` that `MAILER` names. */
@Global()
@Module({
  providers: [
    {
      provide: Mailer,
      useFactory: (config: AdminApiConfig): Mailer => {
        switch (config.mail.mailer) {
          case 'log':
            return new LogMailer();
        }
      },
      inject: [ADMIN_API_CONFIG],
    },
  ],
  exports: [Mailer],
})
export class MailModule {}
