/**
 * MSAL v5's redirect bridge: Entra sends the sign-in answer to this page (in the pop-up, or a hidden frame for a
 * silent renewal); it hands the answer to the app over a same-origin BroadcastChannel and closes. It must be
 * served from the app's origin, may be framed by that origin, and must not get a Cross-Origin-Opener-Policy header.
 */
import { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge';

broadcastResponseToMainFrame().catch(() => {
  // The reason may quote the URL, which held the authorization code: show nothing of it.
  const status = document.getElementById('status');
  if (status)
    status.textContent =
      'The sign-in could not be completed here. Close this window and try again from the app.';
});
