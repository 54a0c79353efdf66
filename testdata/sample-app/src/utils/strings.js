// UI strings for the portal shell (header, toasts, settings page).
// These are NOT the sign-in widget's strings -- those live in src/login.js.

export const shellStrings = {
  defaultLocale: 'en',
  i18n: {
    en: {
      'success.redirect': 'Saved. Redirecting to your dashboard\u2026',
      'settings.title': 'Account settings',
      "toast.offline": 'You appear to be offline'
    },
    fr: {
      'success.redirect': 'Enregistré. Redirection vers votre tableau de bord\u2026',
      'settings.title': 'Paramètres du compte'
    }
  }
};

export function t(key, locale) {
  var table = shellStrings.i18n[locale] || shellStrings.i18n[shellStrings.defaultLocale];
  return table[key] || key;
}
