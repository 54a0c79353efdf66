import React, { useEffect, useRef } from 'react';
import OktaSignIn from '@okta/okta-signin-widget';
import type { Tokens, WidgetOptions } from '@okta/okta-signin-widget';
import '@okta/okta-signin-widget/dist/css/okta-sign-in.min.css';

interface SignInWidgetProps {
  config: WidgetOptions;
  onSuccess: (tokens: Tokens) => void;
  onError: (err: unknown) => void;
}

/**
 * Thin wrapper so pages can render the widget declaratively.
 * The widget is torn down on unmount, otherwise it leaks event handlers.
 */
const SignInWidget: React.FC<SignInWidgetProps> = (props) => {
  const widgetRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!widgetRef.current) {
      return undefined;
    }

    const widget = new OktaSignIn(props.config);
    widget
      .showSignInToGetTokens({ el: widgetRef.current })
      .then(props.onSuccess)
      .catch(props.onError);

    return () => widget.remove();
  }, [props.config, props.onSuccess, props.onError]);

  return <div ref={widgetRef} className="login-widget" data-testid="okta-widget" />;
};

export default SignInWidget;
