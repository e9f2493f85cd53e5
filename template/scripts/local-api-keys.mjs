// The API key that local runs and tests accept: the fixtures in events/ send it.
// Deployed functions read their keys from the secret store instead (template.yaml).
export const LOCAL_API_KEY = 'local-test-key';
export const LOCAL_API_KEYS = [LOCAL_API_KEY];
