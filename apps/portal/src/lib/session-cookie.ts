/** admin-api's session cookie (httpOnly, path `/`); first-party here because the browser reaches admin-api through the portal's proxy. */
export const SESSION_COOKIE = 'gatehouse_session';
