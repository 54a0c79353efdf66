/*
 * Partner extranet login -- still served from the old page template
 * (public/legacy-login.html loads the widget from the Okta CDN).
 * TODO(partners-team): move to src/login.js once partners are migrated.
 */
(function ($) {
  'use strict';

  var orgUrl = 'https://acme.okta.com';

  var signIn = new OktaSignIn({
    baseUrl: orgUrl,
    logo: '/img/partner-logo.png',
    // i18n replaced the old `labels` option in 2019 (see PARTNER-41)
    i18n: {
      en: {
        'primaryauth.title': 'Sign in to Acme',
        'primaryauth.username.placeholder': 'Partner ID',
        'oie.device.code.activate.title': 'Activate your partner device',
        'country.AF': 'Afghanistan (AF)'
      }
    },
    helpLinks: {
      help: 'https://partners.acme.example/help'
    }
  });

  var onSuccess = function (res) {
    if (res.status === 'SUCCESS') {
      res.session.setCookieAndRedirect(orgUrl + '/app/acme_extranet/exk1partner/sso/saml');
    }
  };

  var onError = function (err) {
    window.alert('Login is unavailable right now (' + err.message + ')');
  };

  $(document).ready(function () {
    signIn.renderEl({ el: '#okta-login-container' }, onSuccess, onError);
  });
})(jQuery);
