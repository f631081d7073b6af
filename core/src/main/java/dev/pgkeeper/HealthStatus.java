package dev.pgkeeper;

/** Health verdict, named as in MicroProfile Health. */
public enum HealthStatus {
    /** The database answered a query within the health timeout. */
    UP,
    /** The database did not answer, or the manager is not connected. */
    DOWN
}
