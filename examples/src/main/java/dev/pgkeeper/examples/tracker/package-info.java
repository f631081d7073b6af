/**
 * A small task tracker written the way services are usually written: Flyway migrations, MyBatis mappers
 * behind pgkeeper repositories, services that hold the business rules and run transactions across
 * repositories, and a JSON API on the JDK's HTTP server.
 */
package dev.pgkeeper.examples.tracker;
