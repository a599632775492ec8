package io.github.shardingorm.internal.resharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mover's wire formats: pgoutput messages, binary COPY filtering, and the SQL of applied changes. */
class MoverCodecTest {

    private static final TableShape POSTS = new TableShape("public", "posts", List.of(
            new TableShape.Column("id", "bigint"), new TableShape.Column("author_id", "bigint"),
            new TableShape.Column("body", "text")), List.of(0), 1, TableShape.KeyKind.INT8, false);

    // ------------------------------------------------------------------ pgoutput

    @Test
    void pgoutput_decodesBeginRelationInsertUpdateDeleteCommitAndMessage() throws IOException {
        assertEquals(new PgOutput.Begin(0x1000, 77, 5), decode(w -> {
            w.writeByte('B');
            w.writeLong(0x1000);
            w.writeLong(77);
            w.writeInt(5);
        }));
        PgOutput.Relation r = (PgOutput.Relation) decode(w -> {
            w.writeByte('R');
            w.writeInt(16384);
            cstring(w, "public");
            cstring(w, "posts");
            w.writeByte('f');
            w.writeShort(2);
            w.writeByte(1);
            cstring(w, "id");
            w.writeInt(20);
            w.writeInt(-1);
            w.writeByte(0);
            cstring(w, "body");
            w.writeInt(25);
            w.writeInt(-1);
        });
        assertEquals(List.of("id", "body"), r.columns());
        assertEquals(List.of(true, false), r.keyColumns());
        PgOutput.Insert ins = (PgOutput.Insert) decode(w -> {
            w.writeByte('I');
            w.writeInt(16384);
            w.writeByte('N');
            tuple(w, "7", null, "héllo");
        });
        assertEquals(Arrays.asList("7", null, "héllo"), ins.row().values());
        PgOutput.Update up = (PgOutput.Update) decode(w -> {
            w.writeByte('U');
            w.writeInt(16384);
            w.writeByte('O');
            tuple(w, "7", "3", "old");
            w.writeByte('N');
            w.writeShort(3);
            text(w, "7");
            text(w, "4");
            w.writeByte('u');
        });
        assertTrue(up.oldIsFullRow());
        assertSame(PgOutput.UNCHANGED, up.row().values().get(2));
        PgOutput.Delete del = (PgOutput.Delete) decode(w -> {
            w.writeByte('D');
            w.writeInt(16384);
            w.writeByte('K');
            tuple(w, "7", null, null);
        });
        assertFalse(del.oldIsFullRow());
        assertEquals(new PgOutput.Commit(0x1000, 0x1040), decode(w -> {
            w.writeByte('C');
            w.writeByte(0);
            w.writeLong(0x1000);
            w.writeLong(0x1040);
            w.writeLong(99);
        }));
        assertEquals(new PgOutput.LogicalMessage(true, 0x2000, "shorm_reshard", "m1:1"), decode(w -> {
            w.writeByte('M');
            w.writeByte(1);
            w.writeLong(0x2000);
            cstring(w, "shorm_reshard");
            w.writeInt(4);
            w.write("m1:1".getBytes(StandardCharsets.UTF_8));
        }));
    }

    // ------------------------------------------------------------------ binary COPY

    @Test
    void copyFilter_passesTheTuplesOfMovingBucketsByteForByte() throws IOException {
        BucketSet buckets = new BucketSet(64, List.of(5, 6, 7));
        ByteArrayOutputStream source = new ByteArrayOutputStream();
        DataOutputStream w = new DataOutputStream(source);
        w.write(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0});
        w.writeInt(0);
        w.writeInt(0);
        List<Long> kept = new ArrayList<>();
        for (long id = 1; id <= 500; id++) {
            long author = id * 31;
            w.writeShort(3);
            w.writeInt(8);
            w.writeLong(id);
            w.writeInt(8);
            w.writeLong(author);
            if (id % 7 == 0) {
                w.writeInt(-1);
            } else {
                byte[] body = ("body " + id).getBytes(StandardCharsets.UTF_8);
                w.writeInt(body.length);
                w.write(body);
            }
            if (buckets.containsKey(author)) {
                kept.add(id);
            }
        }
        w.writeShort(-1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ChunkCopier.Result r = ChunkCopier.filter(new DataInputStream(new ByteArrayInputStream(source.toByteArray())), out, POSTS, buckets);

        assertEquals(500, r.rowsRead());
        assertEquals(kept.size(), r.rowsWritten());
        assertEquals(out.size(), r.bytesWritten());
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(out.toByteArray()));
        in.skipNBytes(19);
        List<Long> ids = new ArrayList<>();
        while (true) {
            short n = in.readShort();
            if (n == -1) {
                break;
            }
            assertEquals(3, n);
            in.readInt();
            ids.add(in.readLong());
            in.readInt();
            assertTrue(buckets.containsKey(in.readLong()));
            int len = in.readInt();
            if (len > 0) {
                assertEquals("body " + ids.get(ids.size() - 1), new String(in.readNBytes(len), StandardCharsets.UTF_8));
            }
        }
        assertEquals(kept, ids);
        assertTrue(kept.size() > 5, "some rows are kept: " + kept.size());
    }

    /** shelf_labels (shelf_id, label), placed by shelves.owner_id: the copy selects the owner's key as a third field. */
    private static final TableShape LABELS = new TableShape("public", "shelf_labels", List.of(
            new TableShape.Column("shelf_id", "bigint"), new TableShape.Column("label", "text")), List.of(0, 1), 2,
            TableShape.KeyKind.INT8, true, new TableShape.Owner("\"public\".\"shelves\"", "public.shelves", "id", "owner_id", 0));

    @Test
    void copyFilter_readsACollectionRowsOwnerKeyFromTheExtraFieldAndCutsItOff() throws IOException {
        BucketSet buckets = new BucketSet(64, List.of(5, 6, 7));
        ByteArrayOutputStream source = new ByteArrayOutputStream();
        DataOutputStream w = new DataOutputStream(source);
        w.write(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0});
        w.writeInt(0);
        w.writeInt(0);
        List<Long> kept = new ArrayList<>();
        for (long shelf = 1; shelf <= 300; shelf++) {
            long owner = shelf * 17;
            byte[] label = ("label " + shelf).getBytes(StandardCharsets.UTF_8);
            w.writeShort(3);
            w.writeInt(8);
            w.writeLong(shelf);
            w.writeInt(label.length);
            w.write(label);
            w.writeInt(8);
            w.writeLong(owner);
            if (buckets.containsKey(owner)) {
                kept.add(shelf);
            }
        }
        w.writeShort(-1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ChunkCopier.Result r = ChunkCopier.filter(new DataInputStream(new ByteArrayInputStream(source.toByteArray())), out, LABELS, buckets);

        assertEquals(300, r.rowsRead());
        assertEquals(kept.size(), r.rowsWritten());
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(out.toByteArray()));
        in.skipNBytes(19);
        List<Long> ids = new ArrayList<>();
        while (true) {
            short n = in.readShort();
            if (n == -1) {
                break;
            }
            assertEquals(2, n, "the owner's key is not written: the target table has two columns");
            assertEquals(8, in.readInt());
            ids.add(in.readLong());
            int len = in.readInt();
            assertEquals("label " + ids.get(ids.size() - 1), new String(in.readNBytes(len), StandardCharsets.UTF_8));
        }
        assertEquals(kept, ids);
        assertTrue(kept.size() > 5, "some rows are kept: " + kept.size());
        assertTrue(LABELS.copySelectList("x").endsWith("(SELECT o.\"owner_id\" FROM ONLY \"public\".\"shelves\" o WHERE o.\"id\" = x.\"shelf_id\")"),
                LABELS.copySelectList("x"));
    }

    @Test
    void applier_placesCollectionChangesByTheOwnerLearnedFromTheStreamElseLookedUp() {
        TableShape shelves = new TableShape("public", "shelves", List.of(new TableShape.Column("id", "bigint"),
                new TableShape.Column("owner_id", "bigint")), List.of(0), 1, TableShape.KeyKind.INT8, false);
        BucketSet buckets = new BucketSet(64, List.of(5, 6, 7));
        long moving = java.util.stream.LongStream.range(1, 10_000).filter(buckets::containsKey).findFirst().orElseThrow();
        long staying = java.util.stream.LongStream.range(1, 10_000).filter(k -> !buckets.containsKey(k)).findFirst().orElseThrow();
        List<String> lookedUp = new ArrayList<>();
        ChangeApplier applier = new ChangeApplier(buckets, List.of(shelves, LABELS), new CopyEpochs(List.<long[]>of(new long[] {1, 1}), Map.of()), (t, fk) -> {
            lookedUp.add(fk);
            return fk.equals("300") ? String.valueOf(moving) : fk.equals("400") ? String.valueOf(staying) : null;
        });
        applier.relation(new PgOutput.Relation(1, "public", "shelves", List.of("id", "owner_id"), List.of(true, false)));
        applier.relation(new PgOutput.Relation(2, "public", "shelf_labels", List.of("shelf_id", "label"), List.of(true, true)));
        List<ChangeApplier.Op> ops = new ArrayList<>();
        // an owner inserted in the stream (then gone from the source): its labels follow it without a lookup
        assertEquals(1, applier.apply(new PgOutput.Insert(1, new PgOutput.Tuple(List.of("100", String.valueOf(moving)))), 10, ops));
        assertEquals(1, applier.apply(new PgOutput.Insert(2, new PgOutput.Tuple(List.of("100", "a"))), 10, ops));
        assertEquals(1, applier.apply(new PgOutput.Delete(2, new PgOutput.Tuple(List.of("100", "a")), false), 10, ops),
                "a delete carries its primary key, which holds the foreign key");
        assertEquals(0, applier.apply(new PgOutput.Insert(1, new PgOutput.Tuple(List.of("200", String.valueOf(staying)))), 10, ops));
        assertEquals(0, applier.apply(new PgOutput.Insert(2, new PgOutput.Tuple(List.of("200", "b"))), 10, ops));
        assertEquals(List.of(), lookedUp);
        // owners copied before the stream: looked up once each
        assertEquals(1, applier.apply(new PgOutput.Insert(2, new PgOutput.Tuple(List.of("300", "c"))), 10, ops));
        assertEquals(0, applier.apply(new PgOutput.Insert(2, new PgOutput.Tuple(List.of("400", "d"))), 10, ops));
        assertEquals(0, applier.apply(new PgOutput.Insert(2, new PgOutput.Tuple(List.of("500", "e"))), 10, ops), "owner found nowhere");
        assertEquals(List.of("300", "400", "500"), lookedUp);
        assertEquals(List.of(ChangeApplier.Op.Kind.UPSERT, ChangeApplier.Op.Kind.UPSERT, ChangeApplier.Op.Kind.DELETE,
                ChangeApplier.Op.Kind.UPSERT), ops.stream().map(ChangeApplier.Op::kind).toList());
    }

    @Test
    void movedTable_textFormKeepsTheOwner() {
        MovedTable plain = new MovedTable("users", "id");
        MovedTable owned = new MovedTable("shelf_labels", "shelf_id", new MovedTable.Owner("shelves", "id", "owner_id"));
        assertEquals(plain, MovedTable.parse(plain.toText()));
        assertEquals(owned, MovedTable.parse(owned.toText()));
        assertEquals("shelf_labels:shelf_id|shelves|id|owner_id", owned.toText());
        assertThrows(IllegalArgumentException.class, () -> MovedTable.parse("t:k|owner"));
    }

    // ------------------------------------------------------------------ epochs and applied SQL

    @Test
    void epochs_applyOldChangesOnlyToRowsCopiedBeforeTheNewerSnapshot() {
        CopyEpochs epochs = new CopyEpochs(List.of(new long[] {1, 100}, new long[] {2, 200}), Map.of(
                "public.posts", List.of(new MoveJobStore.ChunkRow("public.posts", 1, 1, List.of("50"), 10, 100),
                        new MoveJobStore.ChunkRow("public.posts", 2, 2, List.of("90"), 10, 100),
                        new MoveJobStore.ChunkRow("public.posts", 3, 2, null, 10, 100)),
                "public.users", List.of(new MoveJobStore.ChunkRow("public.users", 1, 1, null, 10, 100))));

        assertEquals(new CopyEpochs.Bound(false, List.of("50")), epochs.bound("public.posts", 150));
        assertEquals(CopyEpochs.Bound.ALL, epochs.bound("public.posts", 200));
        assertEquals(CopyEpochs.Bound.ALL, epochs.bound("public.users", 150), "a table finished in epoch 1 needs every change");
        assertEquals(CopyEpochs.Bound.NONE, epochs.bound("public.other", 150), "nothing copied before the newer snapshot");
        assertEquals(CopyEpochs.Bound.NONE, epochs.bound("public.posts", 50), "before the first snapshot");
    }

    @Test
    void applier_upsertsIntoTheMoveDeletesOutOfItAndIgnoresOtherBuckets() {
        long inside = firstKey(true);
        long outside = firstKey(false);
        BucketSet buckets = new BucketSet(64, List.of(new BucketSet(64, List.of(0)).bucketOf(inside)));
        ChangeApplier applier = new ChangeApplier(buckets, List.of(POSTS),
                new CopyEpochs(List.<long[]>of(new long[] {1, 10}), Map.of()));
        applier.relation(new PgOutput.Relation(1, "public", "posts", List.of("id", "author_id", "body"), List.of(true, false, false)));
        List<ChangeApplier.Op> ops = new ArrayList<>();

        applier.apply(new PgOutput.Insert(1, tuple("1", "" + inside, "it's")), 20, ops);
        applier.apply(new PgOutput.Insert(1, tuple("2", "" + outside, "x")), 20, ops);
        applier.apply(new PgOutput.Update(1, tuple("1", "" + inside, "big"), true, tupleWithUnchanged("1", "" + outside)), 20, ops);
        applier.apply(new PgOutput.Update(1, tuple("3", "" + outside, "old"), true, tupleWithUnchanged("3", "" + inside)), 20, ops);
        applier.apply(new PgOutput.Delete(1, tuple("4", "" + inside, "z"), true), 20, ops);
        List<String> sql = ChangeApplier.statements(ops);

        assertEquals(List.of(
                "INSERT INTO \"public\".\"posts\" (\"id\", \"author_id\", \"body\") VALUES ('1'::bigint, '" + inside
                        + "'::bigint, 'it''s'::text) ON CONFLICT (\"id\") DO UPDATE SET \"author_id\" = EXCLUDED.\"author_id\", \"body\" = EXCLUDED.\"body\"",
                "DELETE FROM \"public\".\"posts\" WHERE (\"id\") IN (('1'::bigint))",
                "INSERT INTO \"public\".\"posts\" (\"id\", \"author_id\", \"body\") VALUES ('3'::bigint, '" + inside
                        + "'::bigint, 'old'::text) ON CONFLICT (\"id\") DO UPDATE SET \"author_id\" = EXCLUDED.\"author_id\", \"body\" = EXCLUDED.\"body\"",
                "DELETE FROM \"public\".\"posts\" WHERE (\"id\") IN (('4'::bigint))"), sql);
    }

    @Test
    void statements_groupRunsOfLikeChangesAndCutWhereAKeyRepeats() {
        List<ChangeApplier.Op> ops = List.of(
                new ChangeApplier.Op(POSTS, ChangeApplier.Op.Kind.UPSERT, List.of("1", "7", "a"), null),
                new ChangeApplier.Op(POSTS, ChangeApplier.Op.Kind.UPSERT, List.of("2", "7", "b"), null),
                new ChangeApplier.Op(POSTS, ChangeApplier.Op.Kind.UPSERT, List.of("1", "7", "c"), null),
                new ChangeApplier.Op(POSTS, ChangeApplier.Op.Kind.DELETE, List.of("2"), null),
                new ChangeApplier.Op(POSTS, ChangeApplier.Op.Kind.DELETE, List.of("3"), null));

        List<String> sql = ChangeApplier.statements(ops);

        String conflict = " ON CONFLICT (\"id\") DO UPDATE SET \"author_id\" = EXCLUDED.\"author_id\", \"body\" = EXCLUDED.\"body\"";
        assertEquals(List.of(
                "INSERT INTO \"public\".\"posts\" (\"id\", \"author_id\", \"body\") VALUES ('1'::bigint, '7'::bigint, 'a'::text),"
                        + " ('2'::bigint, '7'::bigint, 'b'::text)" + conflict,
                "INSERT INTO \"public\".\"posts\" (\"id\", \"author_id\", \"body\") VALUES ('1'::bigint, '7'::bigint, 'c'::text)" + conflict,
                "DELETE FROM \"public\".\"posts\" WHERE (\"id\") IN (('2'::bigint), ('3'::bigint))"), sql);
    }

    @Test
    void applier_refusesATruncateOfAMovedTable() {
        ChangeApplier applier = new ChangeApplier(new BucketSet(64, List.of(0)), List.of(POSTS),
                new CopyEpochs(List.<long[]>of(new long[] {1, 10}), Map.of()));
        applier.relation(new PgOutput.Relation(9, "public", "posts", List.of("id", "author_id", "body"), List.of(true, false, false)));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> applier.apply(new PgOutput.Truncate(List.of(9)), 20, new ArrayList<>()));
        assertTrue(e.getMessage().contains("public.posts was truncated"), e.getMessage());
    }

    private static long firstKey(boolean inBucketOfKeyOne) {
        BucketSet any = new BucketSet(64, List.of(0));
        int b = any.bucketOf(1L);
        for (long k = 1; ; k++) {
            if ((any.bucketOf(k) == b) == inBucketOfKeyOne) {
                return k;
            }
        }
    }

    private static PgOutput.Tuple tuple(String... values) {
        return new PgOutput.Tuple(Arrays.asList(values));
    }

    private static PgOutput.Tuple tupleWithUnchanged(String id, String author) {
        return new PgOutput.Tuple(Arrays.asList(id, author, PgOutput.UNCHANGED));
    }

    // ------------------------------------------------------------------ writing test messages

    private interface Writer {
        void write(DataOutputStream w) throws IOException;
    }

    private static PgOutput.Message decode(Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        writer.write(new DataOutputStream(bytes));
        byte[] framed = new byte[bytes.size() + 3];
        System.arraycopy(bytes.toByteArray(), 0, framed, 3, bytes.size());
        ByteBuffer b = ByteBuffer.wrap(framed);
        b.position(3);
        return PgOutput.decode(b);
    }

    private static void cstring(DataOutputStream w, String s) throws IOException {
        w.write(s.getBytes(StandardCharsets.UTF_8));
        w.writeByte(0);
    }

    private static void text(DataOutputStream w, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        w.writeByte('t');
        w.writeInt(b.length);
        w.write(b);
    }

    private static void tuple(DataOutputStream w, String... values) throws IOException {
        w.writeShort(values.length);
        for (String v : values) {
            if (v == null) {
                w.writeByte('n');
            } else {
                text(w, v);
            }
        }
    }
}
