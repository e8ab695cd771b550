import packageJson from '../package.json' with { type: 'json' };

/** The version of `@echolens/core`, recorded in every result's provenance. */
export const ECHOLENS_VERSION: string = packageJson.version;
