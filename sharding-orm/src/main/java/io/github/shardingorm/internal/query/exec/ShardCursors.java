package io.github.shardingorm.internal.query.exec;

import io.github.shardingorm.internal.stats.Instrumentation;
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

/**
 * Cursors opened on several shards at once (each shard's first batch read in parallel), closed together.
 * Reported like a listed query: each shard's cursor as one {@code query} operation ({@link ShardCursor}),
 * and when the stream closes, the fan-out with its width, the shards missing ({@code PARTIAL}) and the
 * rows the stream handed out (no merge time: reading and merging are interleaved with the consumer).
 */
public final class ShardCursors {

    private final List<ShardCursor> cursors;
    private final Instrumentation instrumentation;
    private final int width;
    private final int missing;
    private long rows;
    private boolean reported;

    private ShardCursors(List<ShardCursor> cursors, Instrumentation instrumentation, int width, int missing) {
        this.cursors = cursors;
        this.instrumentation = instrumentation;
        this.width = width;
        this.missing = missing;
    }

    /**
     * Opens one cursor per shard on the scatter-gather pool.
     *
     * @param maxResults rows per shard at most, or -1
     */
    public static ShardCursors open(ScatterGather scatter, SessionFactory sessionFactory, List<String> shards, String hql,
                                    Function<StatelessSession, SelectionQuery<?>> query, int fetchSize, int firstResult, int maxResults,
                                    Duration timeout, FailurePolicy policy, Instrumentation instrumentation) {
        ScatterGather.Outcome<ShardCursor> outcome = scatter.run(shards, (shard, cancellation) ->
                ShardCursor.open(sessionFactory, shard, hql, query, fetchSize, firstResult, maxResults, cancellation, instrumentation),
                timeout, policy, hql);
        return new ShardCursors(new ArrayList<>(outcome.results().values()), instrumentation, shards.size(), outcome.missing().size());
    }

    /** A stream of the rows {@code rows} reads from the cursors (in shard order); closing it closes them. */
    public <R> Stream<R> stream(Function<List<ShardCursor>, Iterator<R>> rows) {
        try {
            Iterator<R> merged = rows.apply(cursors);
            Iterator<R> counted = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return merged.hasNext();
                }

                @Override
                public R next() {
                    R row = merged.next();
                    ShardCursors.this.rows++;
                    return row;
                }
            };
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(counted, Spliterator.ORDERED), false)
                    .onClose(this::close);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void close() {
        try {
            for (ShardCursor c : cursors) {
                c.close();
            }
        } finally {
            if (!reported) {
                reported = true;
                instrumentation.fanOut(width, missing, 0, rows);
            }
        }
    }
}
