package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.bookshop.report.AuthorRevenue;
import dev.pgkeeper.mybatis.bookshop.report.SaleRow;
import java.util.List;
import org.apache.ibatis.session.ResultHandler;

/** bookshop/ReportMapper.xml, registered by the builder rather than by mybatis-config.xml. */
public interface ReportMapper {
    /** Every line of a live order, one call of {@code handler} each. */
    void saleRows(ResultHandler<SaleRow> handler);

    List<AuthorRevenue> revenueByAuthor();
}
