/**
 * pgkeeper's MyBatis integration: {@link dev.pgkeeper.mybatis.MyBatisClient} (a {@code SqlSessionFactory}
 * on the manager's stable DataSource), {@link dev.pgkeeper.mybatis.BaseRepository} for mapper-backed
 * repositories, and transactions across repositories with {@link dev.pgkeeper.mybatis.TransactionOptions}.
 */
package dev.pgkeeper.mybatis;
