package dev.pgkeeper.benchmarks;

import dev.pgkeeper.mybatis.BaseRepository;
import dev.pgkeeper.mybatis.MyBatisClient;
import java.util.List;

/** Contender (a): the repository a pgkeeper user writes. */
public final class AccountRepository extends BaseRepository<AccountMapper> {

    /** A history row to insert. */
    public record History(int tid, int bid, int aid, int delta) { }

    public AccountRepository(MyBatisClient client) {
        super(client, AccountMapper.class);
    }

    /** The account's balance. */
    public Integer balance(int aid) {
        return mapper().balance(aid);
    }

    /** Inserts one history row. */
    public void addHistory(History h) {
        mapper().addHistory(h.tid(), h.bid(), h.aid(), h.delta());
    }

    /** Inserts every row in one transaction with the batch executor. */
    public int addHistory(List<History> rows) {
        return insertInBatches(rows, rows.size(), (m, h) -> m.addHistory(h.tid(), h.bid(), h.aid(), h.delta()));
    }
}
