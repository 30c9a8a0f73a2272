/** Where the choice to keep reports is remembered: the browser's localStorage (not a secret, and no report data). */
export const KEEP_SETTING = 'hybrid-toolbox.dmarc.keep-reports';
