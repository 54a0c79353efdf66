// Script block of the Okta-hosted custom sign-in page
// (Admin Console > Customizations > Sign-in page code editor).
// Copy-pasted from there; keep the two in sync by hand.

    // "config" object contains default widget configuration
    // with any custom overrides defined in your admin settings.
    var config = OktaUtil.getSignInWidgetConfig();

    // Acme overrides
    config.i18n.en['primaryauth.title'] = 'Acme Employee Sign-In';
    config['i18n']['en']['oie.session.expired'] = 'Your session expired. Please sign in again.';
    config.i18n.fr = {
      'primaryauth.title': 'Connexion employés Acme',
      'socialauth.yahoo_japan.label': 'Se connecter avec Yahoo! JAPAN'
    };
    config.features.registration = true;

    // Render the Okta Sign-In Widget
    var oktaSignIn = new OktaSignIn(config);
    oktaSignIn.renderEl({ el: '#okta-login-container' },
        OktaUtil.completeLogin,
        function(error) {
            // Logs errors that occur when configuring the widget.
            // Remove or replace this with your own custom error handler.
            console.log(error.message, error);
        }
    );
