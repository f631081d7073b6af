/**
 * pgkeeper-mybatis machinery: error translation, translating mapper proxies and the transaction runner.
 * May change in any release; use {@link dev.pgkeeper.mybatis} instead.
 */
package dev.pgkeeper.mybatis.internal;
