// Grafana facts the dashboards, the provisioning files and `obsgen lint` share.
/** Type of the provisioned datasource. */
export const DATASOURCE_TYPE = "prometheus";
/** Name of the datasource template variable every panel and target uses. */
export const DATASOURCE_VARIABLE = "datasource";
/** What "All" means for the filter variables: any value, so series without a match still show. */
export const ALL_VALUE = ".+";
