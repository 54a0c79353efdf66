// @okta/okta-signin-widget 5.x ships no type definitions; this is the subset we use.
declare module '@okta/okta-signin-widget' {
  export interface WidgetOptions {
    baseUrl?: string;
    clientId?: string;
    redirectUri?: string;
    logo?: string;
    language?: string;
    authParams?: { issuer?: string; scopes?: string[]; pkce?: boolean };
    features?: Record<string, boolean>;
    i18n?: Record<string, Record<string, string>>;
    [option: string]: unknown;
  }

  export interface Tokens {
    accessToken?: { accessToken: string };
    idToken?: { idToken: string };
  }

  export default class OktaSignIn {
    constructor(options: WidgetOptions);
    showSignInToGetTokens(options: { el: string | HTMLElement }): Promise<Tokens>;
    renderEl(options: { el: string }, success?: (res: any) => void, error?: (err: any) => void): void;
    remove(): void;
  }
}
