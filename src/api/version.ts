/** The HTTP API's version (the /api/v1 surface). */
export const VIGIL_API_VERSION = '1.0.0';
