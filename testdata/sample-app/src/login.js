/**
 * Login page bootstrap for the Acme customer portal.
 *
 * Widget reference: https://github.com/okta/okta-signin-widget
 * Strings:          https://github.com/okta/okta-signin-widget/blob/master/packages/@okta/i18n/src/properties/login.properties
 */
import OktaSignIn from '@okta/okta-signin-widget';
import '@okta/okta-signin-widget/dist/css/okta-sign-in.min.css';
import '../styles/login.css';

const OKTA_DOMAIN = process.env.OKTA_DOMAIN || 'https://acme.okta.com';
const APP_HOME = '/portal/home';

// NOTE(jkim): keep the French strings in sync with locales/login_fr.properties
const signInConfig = {
  baseUrl: OKTA_DOMAIN,
  logo: '/img/acme-logo.svg',
  language: getPreferredLanguage(),
  features: {
    rememberMe: true,
    registration: true,   // self-service sign-up (PORTAL-212)
  },
  idps: [
    { type: 'YAHOO_JAPAN', id: '0oa1yj8kq2XyZ9abc357' },
    {type: "GOOGLE", id: "0oa1gq7wJh2KpQ4Ex357"}
  ],
  idpDisplay: 'SECONDARY',

  i18n: {
    en: {
      'primaryauth.title': 'Sign in to Acme Portal',
      "primaryauth.username.placeholder": "Work email",
      'forgotpassword': 'Forgot your password?',
      'oie.okta_verify.signed_nonce.title': 'Use Okta FastPass',
      // social + device management copy (marketing wanted these reworded)
      'socialauth.yahoo_japan.label': 'Sign in with Yahoo! JAPAN',
      "enroll.mdm.step1": "Copy the enrollment link below",
      [`oie.registeration.is.not.enabled`]: 'Sign-up is closed for now. Ask your Acme admin for an invite.',
      'success.redirect': 'Taking you to the portal\u2026',
      'oie.consent.admin.title': 'Acme Portal requests access',
      'universalLink.button': 'Open Okta Verify'
    },
    fr: {
      'primaryauth.title': 'Connexion au portail Acme',
      'oie.session.expired': "Votre session a expiré. Veuillez vous reconnecter.",
      "oie.phone.enroll.countryLabel": 'Pays',
      [`forgotpassword`]: 'Mot de passe oublié ?'
    },
    'zh-CN': {
        'primaryauth.title': '登录 Acme 门户',
        'country.label': '国家/地区',
        'oie.phone.enroll.smsButton': '发送验证码'
    }
  }
};

function getPreferredLanguage() {
  var stored = window.localStorage.getItem('acme.lang');
  return stored || (navigator.language || 'en').split('-')[0];
}

const signIn = new OktaSignIn(signInConfig);

signIn.renderEl(
  { el: '#okta-login-container' },
  function success(res) {
    if (res.status === 'SUCCESS') {
      // Classic session flow: drop the Okta session cookie and bounce to the portal app
      res.session.setCookieAndRedirect(
        OKTA_DOMAIN + '/home/acme_portal/0oa1portal9XyZabc357/aln1portal?fromURI=' + encodeURIComponent(APP_HOME)
      );
    }
  },
  function error(err) {
    // eslint-disable-next-line no-console
    console.error('[login] widget error', err);
  }
);

// Analytics (PORTAL-377): which sign-in page is showing, and why sign-in failed.
signIn.on('pageRendered', function (data) {
  if (data.page === 'primary-auth') {
    window.acmeAnalytics.track('login:shown');
  }
});

signIn.on('afterError', function (context, error) {
  // 401 is a wrong password; anything else goes to the on-call channel
  if (error.statusCode !== 401) {
    window.acmeAnalytics.track('login:error', { reason: error.message });
  }
});
