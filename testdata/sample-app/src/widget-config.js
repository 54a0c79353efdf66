// Shared Okta settings for the SPA flow.
//  - `oidc` is used by the API client (src/api/auth.js imports it from here)
//  - `widget` is what the Sign-In Widget gets
import OktaSignIn from "@okta/okta-signin-widget";

const ISSUER = 'https://acme.okta.com/oauth2/default';
const CLIENT_ID = '0oa1portal9XyZabc357';

export const widgetConfig = {
  oidc: {
    issuer: ISSUER,
    clientId: CLIENT_ID,
    scopes: ['openid', 'profile', 'email'],
    pkce: true
  },

  widget: {
    baseUrl: 'https://acme.okta.com',
    clientId: CLIENT_ID,
    redirectUri: window.location.origin + '/login/callback',
    authParams: {
      issuer: ISSUER,
      scopes: ['openid', 'profile', 'email'],
    },
    i18n: {
      en: {
        "primaryauth.title": "Sign in to Acme",
        'oie.session.expired': 'Your session timed out. Please sign in again.',
        'enroll.mdm.step2': 'Paste the link into your browser on the managed device',
        // TODO: ask UX whether we still need this one
        'oie.success.redirect': 'Signing you in\u2026'
      }
    }
  }
};

export function mountWidget(el) {
  const widget = new OktaSignIn(widgetConfig.widget);

  return widget.showSignInToGetTokens({ el: el })
    .then(function (tokens) {
      widget.remove();
      return tokens;
    });
}
