/// <reference types="svelte" />
/// <reference types="vite/client" />

declare const __APP_VERSION__: string;
/** The day of the build, YYYY-MM-DD. */
declare const __BUILD_DATE__: string;
/** True in the hosted build, which registers a service worker; false in the single file and the dev server. */
declare const __HT_SERVICE_WORKER__: boolean;
