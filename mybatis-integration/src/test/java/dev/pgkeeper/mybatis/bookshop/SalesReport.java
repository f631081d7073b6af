package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.BaseRepository;
import dev.pgkeeper.mybatis.MyBatisClient;
import dev.pgkeeper.mybatis.bookshop.report.AuthorRevenue;
import dev.pgkeeper.mybatis.bookshop.report.SaleRow;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Sales figures. */
public final class SalesReport extends BaseRepository<ReportMapper> {

    public SalesReport(MyBatisClient client) {
        super(client, ReportMapper.class);
    }

    /** Revenue per author id, summed in Java row by row through a ResultHandler: no list of rows is built. */
    public Map<Long, BigDecimal> revenueByAuthor() {
        Map<Long, BigDecimal> totals = new TreeMap<>();
        mapper().saleRows(context -> {
            SaleRow row = context.getResultObject();
            totals.merge(row.authorId(), row.amount(), BigDecimal::add);
        });
        return totals;
    }

    /** The first {@code n} sales; the handler stops MyBatis after them. */
    public List<SaleRow> firstSales(int n) {
        List<SaleRow> first = new ArrayList<>();
        mapper().saleRows(context -> {
            first.add(context.getResultObject());
            if (context.getResultCount() == n) {
                context.stop();
            }
        });
        return first;
    }

    /** Revenue per author as the database sums it. */
    public List<AuthorRevenue> revenueByAuthorInDatabase() {
        return mapper().revenueByAuthor();
    }
}
