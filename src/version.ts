import packageJson from '../package.json' with { type: 'json' };

/** med-export's version, package.json's: shown by --version and in Home Assistant discovery. */
export const VERSION: string = packageJson.version;
