/** One message to one person, as plain text. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends mail (password reset links). The implementation is chosen by `MAILER`: an SMTP or webhook mailer plugs
 * in as another subclass, picked in `MailModule`. `send` resolves once the message is handed over for delivery.
 */
export abstract class Mailer {
  abstract send(message: MailMessage): Promise<void>;
}
