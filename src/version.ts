/** med-export's version (a test keeps it equal to package.json's): shown by --version and in HA discovery. */
export const VERSION = '0.1.0';
