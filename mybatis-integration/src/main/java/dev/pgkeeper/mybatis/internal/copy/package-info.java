/**
 * pgkeeper-mybatis's bulk load ({@code MyBatisClient.copyIn}): the checked COPY statement, the encoder of COPY's
 * text format, and the load that streams it through pgjdbc's {@code CopyManager}. May change in any release.
 */
package dev.pgkeeper.mybatis.internal.copy;
