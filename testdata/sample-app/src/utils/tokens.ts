import type { Tokens } from '@okta/okta-signin-widget';

const STORAGE_KEY = 'acme.tokens';

export function saveTokens(tokens: Tokens): void {
  window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(tokens));
}

export function clearTokens(): void {
  window.sessionStorage.removeItem(STORAGE_KEY);
}
