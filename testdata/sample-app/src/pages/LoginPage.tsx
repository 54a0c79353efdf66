import React, { useCallback } from 'react';
import { useHistory } from 'react-router-dom';
import type { Tokens, WidgetOptions } from '@okta/okta-signin-widget';

import SignInWidget from '../components/SignInWidget';
import { saveTokens } from '../utils/tokens';

const widgetConfig: WidgetOptions = {
  baseUrl: 'https://acme.okta.com',
  clientId: '0oa1portal9XyZabc357',
  redirectUri: `${window.location.origin}/login/callback`,
  authParams: {
    issuer: 'https://acme.okta.com/oauth2/default',
    scopes: ['openid', 'profile', 'email'],
  },
  i18n: {
    en: {
      'primaryauth.title': 'Welcome back',
      'enroll.mdm.step2': 'Open the link on the device you want to enroll',
    },
  },
};

export default function LoginPage(): JSX.Element {
  const history = useHistory();

  const onSuccess = useCallback((tokens: Tokens) => {
    saveTokens(tokens);
    history.replace('/portal/home');
  }, [history]);

  const onError = useCallback((err: unknown) => {
    console.error('Sign-in failed', err);
  }, []);

  return (
    <main className="login-page">
      <SignInWidget config={widgetConfig} onSuccess={onSuccess} onError={onError} />
    </main>
  );
}
