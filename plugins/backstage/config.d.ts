export interface Config {
  /** Settings of the Drillbook plugin (@drillbook/backstage-plugin). */
  drillbook?: {
    /**
     * Path of the Backstage proxy endpoint that forwards to the drill controller, relative to the
     * proxy's base URL. The proxy entry adds the controller's bearer token. Default: "/drillbook".
     * @visibility frontend
     */
    proxyPath?: string;
    /**
     * Absolute URL of the drill controller when the browser reaches it directly instead of through
     * the Backstage proxy (the controller must then allow the browser's origin). Usually unset.
     * @visibility frontend
     */
    baseUrl?: string;
    /**
     * How often the cards and the Drillbook page re-read live figures, in seconds. 0 turns
     * automatic refresh off. Default: 30.
     * @visibility frontend
     */
    refreshIntervalSeconds?: number;
    /**
     * Call the Drillbook backend plugin (@drillbook/backstage-backend-plugin, `/api/drillbook`)
     * instead of the proxy: the controller then sees and audits each person ("alice via
     * backstage"), and Backstage permissions decide who may launch and abort. Default: false.
     * @visibility frontend
     */
    useBackendPlugin?: boolean;
  };
}
