package dev.pgkeeper.mybatis.bookshop;

import java.util.List;
import org.apache.ibatis.executor.BatchResult;

/**
 * What a batch import sent: the rows, and MyBatis's result of every flush (one {@link BatchResult} per
 * statement per flush, with an update count per row).
 */
public record ImportReport(int rows, List<List<BatchResult>> flushes) {
}
