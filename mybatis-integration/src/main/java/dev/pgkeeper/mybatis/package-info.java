/**
 * pgkeeper's MyBatis integration: a {@code SqlSessionFactory} on the managed pool, mapper-backed
 * repositories and transactions. (Work in progress: see the project's issues.)
 */
package dev.pgkeeper.mybatis;
