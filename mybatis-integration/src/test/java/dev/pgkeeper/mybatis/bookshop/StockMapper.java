package dev.pgkeeper.mybatis.bookshop;

import org.apache.ibatis.annotations.Param;

/** bookshop/StockMapper.xml. */
public interface StockMapper {
    int set(@Param("bookId") long bookId, @Param("quantity") int quantity);

    Integer quantityOf(long bookId);

    /** Takes {@code quantity} copies if there are that many; returns 0 otherwise. */
    int take(@Param("bookId") long bookId, @Param("quantity") int quantity);
}
