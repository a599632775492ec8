package io.github.shardingorm.internal.query.exec;

import io.github.shardingorm.query.FailurePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.query.SelectionQuery;

/** Cursors opened on several shards at once (each shard's first batch read in parallel), closed together. */
public final class ShardCursors {

    private final List<ShardCursor> cursors;

    private ShardCursors(List<ShardCursor> cursors) {
        this.cursors = cursors;
    }

    /**
     * Opens one cursor per shard on the scatter-gather pool.
     *
     * @param maxResults rows per shard at most, or -1
     */
    public static ShardCursors open(ScatterGather scatter, SessionFactory sessionFactory, List<String> shards, String hql,
                                    Function<StatelessSession, SelectionQuery<?>> query, int fetchSize, int firstResult, int maxResults,
                                    Duration timeout, FailurePolicy policy) {
        ScatterGather.Outcome<ShardCursor> outcome = scatter.run(shards, (shard, cancellation) ->
                ShardCursor.open(sessionFactory, shard, hql, query, fetchSize, firstResult, maxResults, cancellation), timeout, policy, hql);
        return new ShardCursors(new ArrayList<>(outcome.results().values()));
    }

    /** A stream of the rows {@code rows} reads from the cursors (in shard order); closing it closes them. */
    public <R> Stream<R> stream(Function<List<ShardCursor>, Iterator<R>> rows) {
        try {
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(rows.apply(cursors), Spliterator.ORDERED), false)
                    .onClose(this::close);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void close() {
        for (ShardCursor c : cursors) {
            c.close();
        }
    }
}
