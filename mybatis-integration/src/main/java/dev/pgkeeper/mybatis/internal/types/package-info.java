/**
 * pgkeeper-mybatis's type handlers for PostgreSQL's types ({@code uuid}, {@code json}/{@code jsonb}, arrays,
 * enums, {@code java.time}, {@code inet}, {@code interval}) and {@link
 * dev.pgkeeper.mybatis.internal.types.PostgresTypeHandlers}, which registers them. Exported to MyBatis alone,
 * because MyBatis instantiates the default enum handler by reflection. May change in any release; use
 * {@link dev.pgkeeper.mybatis.MyBatisClient.Builder#postgresTypes()} and
 * {@link dev.pgkeeper.mybatis.MyBatisClient.Builder#jsonTypes} instead.
 */
package dev.pgkeeper.mybatis.internal.types;
