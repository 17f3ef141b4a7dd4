import { Logger } from '@nestjs/common';
import { type MailMessage, Mailer } from './mailer';

/**
 * For development (`MAILER=log`): writes each message, links included, to the log instead of sending it. This is
 * the one log line that carries a reset token, which is why it is not for production.
 */
export class LogMailer extends Mailer {
  private readonly logger = new Logger('Mailer');

  send(message: MailMessage): Promise<void> {
    this.logger.log(`Mail to ${message.to}: ${message.subject}\n${message.text}`);
    return Promise.resolve();
  }
}
