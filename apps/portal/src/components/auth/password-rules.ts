/** The admin API's minimum (PASSWORD_MIN_LENGTH in libs/domain, whose index also holds server-only code). */
export const PASSWORD_MIN_LENGTH = 12;
