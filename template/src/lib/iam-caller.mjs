// The caller of an IAM-authenticated API: API Gateway (or the function URL) has already
// verified the SigV4 signature and put the signer in requestContext.authorizer.iam. The
// signer names the caller's idempotency key space, so two callers that happen to send the
// same Idempotency-Key never see each other's responses.
import { errorResponse } from './http.mjs';

/** @returns {import('./api.mjs').Authenticate} */
export function createIamCallerCheck() {
  return async function authenticate(request, { log }) {
    const caller = callerOf(request.iamUserArn);
    if (!caller) {
      // Only an event that did not come through the IAM authorizer lacks it: refuse, never guess.
      log.warn('request refused: no IAM caller in the event');
      return errorResponse(401, 'unauthorized', 'Sign the request with AWS SigV4.');
    }
    request.caller = `iam:${caller}`;
    return null;
  };
}

/**
 * An assumed role's ARN ends in a session name that changes with every new set of
 * credentials (arn:aws:sts::123456789012:assumed-role/orders-client/i-0abc): the role is
 * the caller, so a retry from a fresh session still finds its first answer.
 * @param {unknown} userArn
 * @returns {string | null}
 */
export function callerOf(userArn) {
  if (typeof userArn !== 'string' || !userArn.startsWith('arn:')) return null;
  const assumedRole = /^(arn:[^:]+:sts::\d+:assumed-role\/[^/]+)\/[^/]*$/.exec(userArn);
  return assumedRole ? assumedRole[1] : userArn;
}
