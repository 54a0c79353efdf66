// Kiosk login for the lobby tablets.
// (This file is edited on the Windows build agent, hence the CRLF line endings.)
import OktaSignIn from '@okta/okta-signin-widget';

const kioskSignIn = new OktaSignIn({
  baseUrl: 'https://acme.okta.com',
  logo: '/img/acme-logo.svg',
  i18n: {
    en: {
      'primaryauth.title': 'Kiosk sign-in',
      'oie.session.expired': 'The kiosk session timed out. Please sign in again.'
    }
  }
});

kioskSignIn.renderEl({ el: '#kiosk-login' }, function () {
  window.location.assign('/kiosk');
});
